/*
 * Customer onboarding end to end: the guest fills the
 * onboard-customer template in Chromium, cannot approve their own request,
 * the sandbox's second user (user:default/approver, signed in through the
 * dev-only `sandbox` provider) approves it on the Approvals page, the task
 * provisions the Bifrost customer and key and the Odoo partner, and the guest
 * reveals the key exactly once. Both users are notified.
 */
import { expect, type Browser, type Page } from '@playwright/test';
import {
  BACKEND,
  FRONTEND,
  providerToken,
  sandboxConfig,
  shot as shotOf,
} from './portal';

export interface OnboardingFlowContext {
  browser: Browser;
  /** The guest's page, signed in already. */
  page: Page;
}

export async function onboardingFlow(ctx: OnboardingFlowContext) {
  const { browser, page } = ctx;
  const frontend = FRONTEND;
  const backend = BACKEND;
  const shot = (p: Page, name: string) => shotOf(p, `onboarding-${name}`);
  const location = sandboxConfig().inference.locations[0];
  const bifrostAuth = `Basic ${Buffer.from(
    `admin:${location.bifrost.adminPassword}`,
  ).toString('base64')}`;
  const guestToken = await providerToken({ provider: 'guest' });
  const approverQuery = `?user=${encodeURIComponent('user:default/approver')}`;
  const approverUrl = `${backend}/api/auth/sandbox/refresh${approverQuery}`;
  const approverToken = await providerToken({
    provider: 'sandbox',
    query: approverQuery,
  });
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
    await expect(option).toBeVisible();
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
  await expect
    .poll(
      async () => {
        const list = await api(
          guestToken,
          '/api/inference-billing/onboarding/requests',
        );
        expect(list.status, await list.clone().text()).toBe(200);
        request = ((await list.json()) as any).items.find(
          (r: any) => r.companyName === company,
        );
        return request !== undefined;
      },
      {
        message: 'the task stores its request',
        timeout: 60_000,
        intervals: [1000],
      },
    )
    .toBe(true);
  expect(request.status).toBe('pending');
  expect(request.requestedBy).toBe('user:default/guest');
  const self = await api(
    guestToken,
    `/api/inference-billing/onboarding/requests/${request.id}/decision`,
    { method: 'POST', body: JSON.stringify({ decision: 'approve' }) },
  );
  expect(self.status).toBe(403);
  expect(((await self.json()) as any).error.message).toMatch(/your own/);

  // 2. The approver signs in (the app's guest button, answered by the
  // dev-only sandbox provider for this browser context) and approves.
  const approverContext = await browser.newContext({
    viewport: { width: 1440, height: 900 },
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
    await expect(
      approver.getByRole('link', { name: 'Models' }).first(),
    ).toBeVisible();
    await approver.goto(`${frontend}/inference/approvals`);
    const card = approver.getByLabel(`Onboarding request ${company}`);
    await expect(card.getByText('Asked by user:default/guest')).toBeVisible();
    await shot(approver, 'approvals');
    await card.getByRole('button', { name: 'Approve' }).click();
    await expect(
      approver
        .getByLabel(`Onboarding request ${company}`)
        .getByText(/(approved|provisioned) by user:default\/approver/),
    ).toBeVisible();
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
    await expect(link).toBeVisible({ timeout: 180_000 });
    await shot(page, 'task-done');
    await link.click();
    await page.waitForURL('**/inference/approvals?reveal=**');
    await page.getByRole('button', { name: 'Reveal the key once' }).click();
    revealed = (await page.getByTestId('revealed-key').textContent()) ?? '';
    await shot(page, 'revealed');
    await page.reload();
    await page.getByRole('button', { name: 'Reveal the key once' }).click();
    await expect(page.getByText(/already revealed/)).toBeVisible();
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
  expect(customers.length).toBe(1);
  expect(customers[0].budgets[0].max_limit).toBe(750);
  const keys = (
    await bifrost('/api/governance/virtual-keys')
  ).virtual_keys.filter((k: any) => k.customer_id === customers[0].id);
  expect(keys.length).toBe(1);
  expect(keys[0].provider_configs[0].allowed_models).toEqual([
    'qwen25-05b-instruct',
  ]);
  expect(revealed).toBe(keys[0].value);

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
  expect(partners.length).toBe(1);
  expect(partners[0].name).toBe(company);

  // 6. Both users were notified, neither with the key.
  const notifications = async (tok: string) =>
    ((await (await api(tok, '/api/notifications/notifications')).json()) as any)
      .notifications as Array<{ payload: { title: string } }>;
  const approverNotes = await notifications(approverToken);
  expect(
    approverNotes.some(n => n.payload.title.includes(company)),
    'the approver was notified of the request',
  ).toBe(true);
  const guestNotes = await notifications(guestToken);
  expect(
    guestNotes.some(n => n.payload.title === `${company} is onboarded`),
    'the requester was notified of the outcome',
  ).toBe(true);
  // Booleans: a failure must not print the key.
  expect(
    JSON.stringify([approverNotes, guestNotes]).includes(revealed),
    'no notification holds the key',
  ).toBe(false);
  // The task's log and output never hold the key.
  const taskId = taskUrl.split('/').pop();
  const events = await api(
    guestToken,
    `/api/scaffolder/v2/tasks/${taskId}/events`,
  );
  expect(
    (await events.text()).includes(revealed),
    'task log holds the key',
  ).toBe(false);
  const task = await api(guestToken, `/api/scaffolder/v2/tasks/${taskId}`);
  expect((await task.text()).includes(revealed), 'task holds the key').toBe(
    false,
  );
}
