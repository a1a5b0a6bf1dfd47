/*
 * The home page in Chromium against the three-location sandbox: each
 * location's card shows what the backends' `/overview` endpoints report for
 * that location (the Models, billing and servers backends, read with the
 * guest's token), and the company totals add them up.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Page } from 'playwright-core';

export interface HomeFlowContext {
  /** The guest's page, signed in already. */
  page: Page;
  frontend: string;
  backend: string;
  artifacts: string;
  token: () => Promise<string>;
  /** Each sandbox location's Bifrost emulator (faults over `__emulator/faults`). */
  bifrostUrls: Record<string, string>;
}

const LOCATIONS = ['local', 'stalpeni', 'pr'];

const count = (n: number) => n.toLocaleString('en-US');

/** What each card should read, from the backends' answers. */
async function expectedFigures(ctx: HomeFlowContext) {
  const headers = { authorization: `Bearer ${await ctx.token()}` };
  const get = async (p: string) => {
    const res = await fetch(`${ctx.backend}${p}`, { headers });
    assert.equal(res.status, 200, `${p}: ${await res.clone().text()}`);
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
    assert.ok(m && b && g, `every backend reports location ${name}`);
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
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: 1440, height: 900 });
  try {
    // Usage is ingested every few minutes: compare against an answer that
    // was the same before and after the page read it.
    let last: unknown;
    for (let attempt = 1; ; attempt++) {
      const before = await expectedFigures(ctx);
      await page.goto(`${ctx.frontend}/`);
      // A full load refreshes the guest's session; should that answer fail
      // (the dev backend restarting), the app offers the sign-in again.
      const heading = page.getByText('The business at a glance');
      const enter = page.getByRole('button', { name: /enter/i });
      await heading.or(enter).first().waitFor({ timeout: 120_000 });
      if (await enter.isVisible()) await enter.click();
      for (const name of LOCATIONS) {
        await page
          .locator(`[data-location="${name}"] [data-figure="models-ready"]`)
          .waitFor({ timeout: 120_000 });
      }
      const shown = await shownFigures(page, before);
      const after = await expectedFigures(ctx);
      if (JSON.stringify(before) === JSON.stringify(after)) {
        assert.deepEqual(shown, after);
        break;
      }
      last = { before, after };
      assert.ok(
        attempt < 3,
        `the figures kept changing: ${JSON.stringify(last)}`,
      );
    }
    // The company totals are on top, and no location is down in the sandbox.
    await page
      .locator('[data-location="company"] [data-figure="locations-up"]')
      .filter({ hasText: `${LOCATIONS.length}/${LOCATIONS.length}` })
      .waitFor({ timeout: 10_000 });
    assert.equal(
      await page.getByText(/is down: none of its systems/).count(),
      0,
    );
    await page.screenshot({ path: path.join(ctx.artifacts, 'home.png') });
    await bifrostDownFlow(ctx);
  } catch (e) {
    await page.screenshot({
      path: path.join(ctx.artifacts, 'home-failure.png'),
      fullPage: true,
    });
    throw e;
  } finally {
    if (viewport) await page.setViewportSize(viewport);
  }
}

/**
 * pr's Bifrost fails (every call answers 503): only pr's card shows Bifrost
 * down, the other cards stay up, and the Customers page shows pr's error
 * above the other locations' rows. The fault is cleared however it ends.
 */
async function bifrostDownFlow(ctx: HomeFlowContext) {
  const { page } = ctx;
  const faults = `${ctx.bifrostUrls.pr}/__emulator/faults`;
  const injected = await fetch(faults, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: '5xx', status: 503 }),
  });
  assert.ok(injected.ok, `fault injected: ${injected.status}`);
  try {
    await page.goto(`${ctx.frontend}/`);
    const bifrost = (name: string) =>
      page.locator(`[data-location="${name}"] [data-figure="bifrost"]`).first();
    await bifrost('pr')
      .filter({ hasText: /^down$/ })
      .waitFor({ timeout: 60_000 });
    for (const name of ['local', 'stalpeni']) {
      assert.match((await bifrost(name).textContent()) ?? '', /^up, \d+ ms$/);
    }
    await page.screenshot({
      path: path.join(ctx.artifacts, 'home-pr-bifrost-down.png'),
    });
    await page.goto(`${ctx.frontend}/inference/customers`);
    await page
      .getByText(/location pr: bifrost/)
      .first()
      .waitFor({ timeout: 60_000 });
    assert.equal(
      await page.getByText(/location (local|stalpeni): bifrost/).count(),
      0,
      'only pr is in error',
    );
    await page
      .getByRole('row')
      .filter({ hasText: 'local' })
      .first()
      .waitFor({ timeout: 30_000 });
  } finally {
    await fetch(faults, { method: 'DELETE' });
  }
}
