/*
 * Customer onboarding end to end: the guest fills the
 * onboard-customer template in Chromium, cannot approve their own request,
 * the sandbox's second user (user:default/approver, signed in through the
 * dev-only `sandbox` provider) approves it on the Approvals page, the task
 * provisions the Bifrost customer and key and the Odoo partner, and the guest
 * reveals the key exactly once. Both users are notified.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import type { Browser, Page } from 'playwright-core';

export interface OnboardingFlowContext {
  browser: Browser;
  /** The guest's page, signed in already. */
  page: Page;
  frontend: string;
  backend: string;
  root: string;
  artifacts: string;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function token(backend: string, provider: string): Promise<string> {
  const res = await fetch(`${backend}/api/auth/${provider}/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  assert.equal(res.status, 200, await res.clone().text());
  const body = (await res.json()) as { backstageIdentity: { token: string } };
  return body.backstageIdentity.token;
}

export async function onboardingFlow(ctx: OnboardingFlowContext) {
  const { browser, page, frontend, backend } = ctx;
  const shot = (p: Page, name: string) =>
    p.screenshot({
      path: path.join(ctx.artifacts, `onboarding-${name}.png`),
      fullPage: true,
    });
  const sandbox = yaml.load(
    fs.readFileSync(
      path.join(ctx.root, '.data/sandbox/app-config.sandbox.yaml'),
      'utf8',
    ),
  ) as any;
  const location = sandbox.inference.locations[0];
  const bifrostAuth = `Basic ${Buffer.from(
    `admin:${location.bifrost.adminPassword}`,
  ).toString('base64')}`;
  const guestToken = await token(backend, 'guest');
  const approverUrl = `${backend}/api/auth/sandbox/refresh?user=${encodeURIComponent(
    'user:default/approver',
  )}`;
  const approverToken = await (async () => {
    const res = await fetch(approverUrl, {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    });
    assert.equal(res.status, 200, await res.clone().text());
    return ((await res.json()) as any).backstageIdentity.token as string;
  })();
  const api = async (tok: string, p: string, init?: RequestInit) =>
    fetch(`${backend}${p}`, {
      ...init,
      headers: {
        authorization: `Bearer ${tok}`,
        'content-type': 'application/json',
        ...(init?.headers as Record<string, string>),
      },
    });

  const company = `E2E Onboarding ${Date.now().toString(36)} SRL`;
  const vat = `RO${Date.now().toString().slice(-9)}`;

  // 1. The guest fills the template.
  try {
    await page.goto(`${frontend}/create/templates/default/onboard-customer`);
    await page
      .getByRole('textbox', { name: /Company name/ })
      .fill(company, { timeout: 120_000 });
    await page
      .getByRole('textbox', { name: /Billing contact e-mail/ })
      .fill('billing@e2e-onboarding.example');
    await page.getByRole('textbox', { name: /VAT id/ }).fill(vat);
    await page.getByRole('button', { name: 'Next' }).click();
    const budget = page.getByRole('spinbutton', { name: /Monthly budget/ });
    await budget.fill('750');
    await page.getByRole('button', { name: 'Next' }).click();
    // Pick the Model from the catalog-fed picker.
    // MUI's Autocomplete: its input carries the field's label.
    // The picker lists the first page of Models and searches the catalog
    // for the rest as you type: with three locations, type the name.
    const picker = page.getByRole('textbox', { name: /Allowed models/ });
    await picker.click();
    await picker.fill('Qwen2.5-0.5B-Instruct');
    const option = page
      .getByRole('option', { name: /Qwen2\.5-0\.5B-Instruct(?! \()/ })
      .first();
    await option.waitFor();
    await option.click();
    await page.keyboard.press('Escape');
    await shot(page, 'models-picked');
    await page
      .getByRole('textbox', { name: /Notes for the approver/ })
      .fill('E2E pilot');
    await page.getByRole('button', { name: 'Review' }).click();
    await shot(page, 'review');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL('**/create/tasks/**', { timeout: 60_000 });
  } catch (e) {
    await shot(page, 'failure-form');
    // Leave the shared page usable for the flows after this one.
    await page.goto(frontend).catch(() => undefined);
    throw e;
  }
  const taskUrl = page.url();

  // The request is pending; the guest may not approve it.
  let request: any;
  for (const deadline = Date.now() + 60_000; !request; ) {
    const list = await api(
      guestToken,
      '/api/inference-billing/onboarding/requests',
    );
    assert.equal(list.status, 200, await list.clone().text());
    request = ((await list.json()) as any).items.find(
      (r: any) => r.companyName === company,
    );
    if (!request) {
      assert.ok(Date.now() < deadline, 'the task stored no request');
      await sleep(1000);
    }
  }
  assert.equal(request.status, 'pending');
  assert.equal(request.requestedBy, 'user:default/guest');
  const self = await api(
    guestToken,
    `/api/inference-billing/onboarding/requests/${request.id}/decision`,
    { method: 'POST', body: JSON.stringify({ decision: 'approve' }) },
  );
  assert.equal(self.status, 403);
  assert.match(((await self.json()) as any).error.message, /your own/);

  // 2. The approver signs in (the app's guest button, answered by the
  // dev-only sandbox provider for this browser context) and approves.
  const approverContext = await browser.newContext({
    viewport: { width: 1400, height: 900 },
  });
  await approverContext.route('**/api/auth/guest/refresh**', async route => {
    const res = await fetch(approverUrl, {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    });
    await route.fulfill({
      status: res.status,
      contentType: 'application/json',
      body: await res.text(),
    });
  });
  const approver = await approverContext.newPage();
  approver.setDefaultTimeout(120_000);
  try {
    await approver.goto(frontend);
    await approver.getByRole('button', { name: /enter/i }).click();
    await approver.getByRole('link', { name: 'Models' }).first().waitFor();
    await approver.goto(`${frontend}/inference/approvals`);
    const card = approver.getByLabel(`Onboarding request ${company}`);
    await card.getByText('Asked by user:default/guest').waitFor();
    await shot(approver, 'approvals');
    await card.getByRole('button', { name: 'Approve' }).click();
    await approver
      .getByLabel(`Onboarding request ${company}`)
      .getByText(/(approved|provisioned) by user:default\/approver/)
      .waitFor();
    await shot(approver, 'approved');
  } catch (e) {
    await shot(approver, 'failure-approver');
    throw e;
  } finally {
    await approverContext.close();
  }

  // 3. The guest's task finishes; the key is revealed once.
  let revealed: string;
  try {
    if (page.url() !== taskUrl) await page.goto(taskUrl);
    const link = page.getByRole('link', {
      name: 'Reveal the virtual key (once)',
    });
    await link.waitFor({ timeout: 180_000 });
    await shot(page, 'task-done');
    await link.click();
    await page.waitForURL('**/inference/approvals?reveal=**');
    await page.getByRole('button', { name: 'Reveal the key once' }).click();
    revealed = (await page.getByTestId('revealed-key').textContent()) ?? '';
    await shot(page, 'revealed');
    await page.reload();
    await page.getByRole('button', { name: 'Reveal the key once' }).click();
    await page.getByText(/already revealed/).waitFor();
  } catch (e) {
    await shot(page, 'failure-reveal');
    await page.goto(frontend).catch(() => undefined);
    throw e;
  }

  // 4. Bifrost has the customer with the budget and a key with the model.
  const bifrost = async (p: string) =>
    (await (
      await fetch(`${location.bifrost.baseUrl}${p}`, {
        headers: { authorization: bifrostAuth },
      })
    ).json()) as any;
  const customers = (
    await bifrost('/api/governance/customers')
  ).customers.filter((c: any) => c.name === company);
  assert.equal(customers.length, 1);
  assert.equal(customers[0].budgets[0].max_limit, 750);
  const keys = (
    await bifrost('/api/governance/virtual-keys')
  ).virtual_keys.filter((k: any) => k.customer_id === customers[0].id);
  assert.equal(keys.length, 1);
  assert.deepEqual(keys[0].provider_configs[0].allowed_models, [
    'qwen25-05b-instruct',
  ]);
  assert.equal(revealed, keys[0].value);

  // 5. Odoo has one partner with the VAT id.
  const odoo = async (service: string, method: string, args: unknown[]) => {
    const res = await fetch(`${location.odoo.url}/jsonrpc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        method: 'call',
        params: { service, method, args },
        id: 1,
      }),
    });
    return ((await res.json()) as any).result;
  };
  const uid = await odoo('common', 'authenticate', [
    location.odoo.database,
    location.odoo.username,
    location.odoo.apiKey,
    {},
  ]);
  const partners = await odoo('object', 'execute_kw', [
    location.odoo.database,
    uid,
    location.odoo.apiKey,
    'res.partner',
    'search_read',
    [[['vat', '=', vat]]],
    { fields: ['name', 'ref'] },
  ]);
  assert.equal(partners.length, 1);
  assert.equal(partners[0].name, company);

  // 6. Both users were notified, neither with the key.
  const notifications = async (tok: string) =>
    ((await (await api(tok, '/api/notifications/notifications')).json()) as any)
      .notifications as Array<{ payload: { title: string } }>;
  const approverNotes = await notifications(approverToken);
  assert.ok(
    approverNotes.some(n => n.payload.title.includes(company)),
    'the approver was notified of the request',
  );
  const guestNotes = await notifications(guestToken);
  assert.ok(
    guestNotes.some(n => n.payload.title === `${company} is onboarded`),
    'the requester was notified of the outcome',
  );
  assert.ok(
    !JSON.stringify([approverNotes, guestNotes]).includes(revealed),
    'no notification holds the key',
  );
  // The task's log and output never hold the key.
  const taskId = taskUrl.split('/').pop();
  const events = await api(
    guestToken,
    `/api/scaffolder/v2/tasks/${taskId}/events`,
  );
  assert.ok(
    !(await events.text()).includes(revealed),
    'task log holds the key',
  );
  const task = await api(guestToken, `/api/scaffolder/v2/tasks/${taskId}`);
  assert.ok(!(await task.text()).includes(revealed), 'task holds the key');
}
