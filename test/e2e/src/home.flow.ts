/*
 * The home page in Chromium against the three-location sandbox: each
 * location's card shows what the backends' `/overview` endpoints report for
 * that location (the Models, billing and servers backends, read with the
 * guest's token), and the company totals add them up.
 */
import { expect, type Page } from '@playwright/test';
import { BACKEND, FRONTEND, emulatorUrls, guestToken, shot } from './portal';

export interface HomeFlowContext {
  /** The guest's page, signed in already. */
  page: Page;
}

const LOCATIONS = ['local', 'stalpeni', 'pr'];

const count = (n: number) => n.toLocaleString('en-US');

/** What each card should read, from the backends' answers. */
async function expectedFigures() {
  const headers = { authorization: `Bearer ${await guestToken()}` };
  const get = async (p: string) => {
    const res = await fetch(`${BACKEND}${p}`, { headers });
    expect(res.status, `${p}: ${await res.clone().text()}`).toBe(200);
    return (await res.json()) as any;
  };
  const [models, billing, servers] = await Promise.all([
    get('/api/inference-models/overview'),
    get('/api/inference-billing/overview'),
    get('/api/bare-metal/nodes?limit=1'),
  ]);
  const figures: Record<string, Record<string, string>> = {};
  for (const name of LOCATIONS) {
    const m = models.items.find((i: any) => i.location === name);
    const b = billing.items.find((i: any) => i.location === name);
    const g = servers.summaries.find((s: any) => s.location === name);
    expect(m && b && g, `every backend reports location ${name}`).toBeTruthy();
    const f: Record<string, string> = {
      cluster: m.cluster.reachable ? 'up' : 'down',
      bifrost: b.bifrost.reachable ? 'up' : 'down',
      odoo: b.odoo ? (b.odoo.reachable ? 'up' : 'down') : 'not configured',
      'models-ready': `${m.models.ready}/${m.models.total}`,
      requests: count(b.usage.thisMonth.requests),
      tokens: count(b.usage.thisMonth.tokens),
      revenue: `${b.usage.thisMonth.revenue} ${b.usage.currency}`,
    };
    if (b.approvals) f.approvals = count(b.approvals.count);
    if (b.lastInvoiceRun) {
      f['invoice-run'] = `${b.lastInvoiceRun.month} ${b.lastInvoiceRun.state}`;
    }
    for (const gpu of g.gpus) {
      f[`gpus:${gpu.product}`] = `${gpu.total - gpu.free}/${gpu.total}`;
    }
    figures[name] = f;
  }
  return figures;
}

/** What each card reads: its figures' texts (latencies left out). */
async function shownFigures(
  page: Page,
  expected: Record<string, Record<string, string>>,
) {
  const shown: Record<string, Record<string, string>> = {};
  for (const [name, figures] of Object.entries(expected)) {
    const card = page.locator(`[data-location="${name}"]`);
    shown[name] = {};
    for (const key of Object.keys(figures)) {
      const element = card.locator(`[data-figure="${key}"]`).first();
      // Money shows in cents; the exact amount is the figure's data-exact.
      const text =
        key === 'revenue'
          ? await element.getAttribute('data-exact')
          : (await element.textContent())?.trim();
      // "up, 12 ms": the latency differs from call to call.
      shown[name][key] = text?.replace(/^up, \d+ ms$/, 'up') ?? '(missing)';
    }
  }
  return shown;
}

export async function homeFlow(ctx: HomeFlowContext) {
  const { page } = ctx;
  try {
    // Usage is ingested every few minutes: compare against an answer that
    // was the same before and after the page read it.
    let last: unknown;
    for (let attempt = 1; ; attempt++) {
      const before = await expectedFigures();
      await page.goto(`${FRONTEND}/`);
      // A full load refreshes the guest's session; should that answer fail
      // (the dev backend restarting), the app offers the sign-in again.
      const heading = page.getByText('The business at a glance');
      const enter = page.getByRole('button', { name: /enter/i });
      await expect(heading.or(enter).first()).toBeVisible({
        timeout: 120_000,
      });
      if (await enter.isVisible()) await enter.click();
      for (const name of LOCATIONS) {
        await expect(
          page.locator(
            `[data-location="${name}"] [data-figure="models-ready"]`,
          ),
        ).toBeVisible({ timeout: 120_000 });
      }
      const shown = await shownFigures(page, before);
      const after = await expectedFigures();
      if (JSON.stringify(before) === JSON.stringify(after)) {
        expect(shown).toEqual(after);
        break;
      }
      last = { before, after };
      expect(
        attempt,
        `the figures kept changing: ${JSON.stringify(last)}`,
      ).toBeLessThan(3);
    }
    // The company totals are on top, and no location is down in the sandbox.
    await expect(
      page
        .locator('[data-location="company"] [data-figure="locations-up"]')
        .filter({ hasText: `${LOCATIONS.length}/${LOCATIONS.length}` }),
    ).toBeVisible({ timeout: 10_000 });
    expect(await page.getByText(/is down: none of its systems/).count()).toBe(
      0,
    );
    await expect(
      page
        .locator('[data-location="company"]')
        .getByText('every system answers'),
    ).toBeVisible();
    await shot(page, 'home', { fullPage: false });
    // The figure opens the locations' entities in the catalog.
    await page
      .locator('[data-location="company"] [data-figure="locations-up"]')
      .click();
    await expect(
      page.getByRole('heading', {
        name: `All kubernetes-cluster Resources (${LOCATIONS.length})`,
        level: 2,
      }),
    ).toBeVisible({ timeout: 60_000 });
    await expect(
      page.getByRole('link', { name: 'Local sandbox' }).first(),
    ).toBeVisible();
    await bifrostDownFlow(ctx);
  } catch (e) {
    await shot(page, 'home-failure');
    throw e;
  }
}

/**
 * pr's Bifrost fails (every call answers 503): only pr's card shows Bifrost
 * down, the other cards stay up, and the Customers page shows pr's error
 * above the other locations' rows. The fault is cleared however it ends.
 */
async function bifrostDownFlow(ctx: HomeFlowContext) {
  const { page } = ctx;
  const faults = `${emulatorUrls().locations.pr.bifrost}/__emulator/faults`;
  const injected = await fetch(faults, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: '5xx', status: 503 }),
  });
  expect(injected.ok, `fault injected: ${injected.status}`).toBe(true);
  try {
    await page.goto(`${FRONTEND}/`);
    const bifrost = (name: string) =>
      page.locator(`[data-location="${name}"] [data-figure="bifrost"]`).first();
    await expect(bifrost('pr').filter({ hasText: /^down$/ })).toBeVisible({
      timeout: 60_000,
    });
    for (const name of ['local', 'stalpeni']) {
      expect((await bifrost(name).textContent()) ?? '').toMatch(/^up, \d+ ms$/);
    }
    // The company counts pr as not up, and says why.
    const company = page.locator('[data-location="company"]');
    await expect(company.locator('[data-figure="locations-up"]')).toHaveText(
      `${LOCATIONS.length - 1}/${LOCATIONS.length}`,
    );
    await expect(company.getByText('pr: bifrost down')).toBeVisible();
    await shot(page, 'home-pr-bifrost-down', { fullPage: false });
    await page.goto(`${FRONTEND}/inference/customers`);
    await expect(page.getByText(/location pr: bifrost/).first()).toBeVisible({
      timeout: 60_000,
    });
    expect(
      await page.getByText(/location (local|stalpeni): bifrost/).count(),
      'only pr is in error',
    ).toBe(0);
    await expect(
      page.getByRole('row').filter({ hasText: 'local' }).first(),
    ).toBeVisible({ timeout: 30_000 });
  } finally {
    await fetch(faults, { method: 'DELETE' });
  }
}
