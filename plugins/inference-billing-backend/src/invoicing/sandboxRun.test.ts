import {
  mockCredentials,
  startTestBackend,
  mockServices,
} from '@backstage/backend-test-utils';
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import Decimal from 'decimal.js';
import request from 'supertest';
import { inferenceBillingPlugin } from '../plugin';

jest.setTimeout(120_000);

/** First day of the month `offset` months from now's (UTC), YYYY-MM-DD. */
function monthStart(now: Date, offset: number): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1))
    .toISOString()
    .slice(0, 10);
}

/**
 * The sandbox's monthly run through the plugin's API, as the scheduled task
 * and the seed's control API call it: 40 days of sandbox usage, Odoo
 * partners created by the run (so without an e-mail address).
 */
describe('invoicing the sandbox: last month, dry_run=none', () => {
  let sandbox: Sandbox;
  let server: Parameters<typeof request>[0];
  const now = new Date();

  beforeAll(async () => {
    sandbox = await startSandbox({ days: 40, modelReadyDelayMs: 0, now });
    ({ server } = await startTestBackend({
      features: [
        inferenceBillingPlugin,
        mockServices.rootConfig.factory({
          data: {
            ...sandbox.config,
            inference: {
              ...(sandbox.config.inference as object),
              http: { timeoutMs: 3000, retries: 0 },
              // The test scheduler runs every task at startup: this test
              // starts the run itself.
              billing: { invoicing: { schedule: false } },
            },
          },
        }),
      ],
    }));
  });
  afterAll(() => sandbox.close());

  const get = (path: string) =>
    request(server)
      .get(`/api/inference-billing${path}`)
      .set('authorization', mockCredentials.user.header());

  it('ends succeeded (sending skipped without an e-mail) and each invoice totals the usage API rounded once per customer', async () => {
    const from = monthStart(now, -1);
    const to = monthStart(now, 0);
    const res = await get('/invoicing/generate?location=local&dry_run=none');
    expect(res.body.error).toBeUndefined();
    expect(res.status).toBe(200);
    const run = res.body;
    expect(run).toMatchObject({
      month: from.slice(0, 7),
      dryRun: 'none',
      state: 'succeeded',
    });

    const usage = await get(
      `/usage?location=local&start_date=${from}&end_date=${to}`,
    );
    expect(usage.status).toBe(200);
    const perCustomer = new Map<string, Decimal>();
    for (const item of usage.body.items) {
      if (item.customerId === null) continue;
      perCustomer.set(
        item.customerId,
        (perCustomer.get(item.customerId) ?? new Decimal(0)).plus(item.cost),
      );
    }
    expect(run.invoices.map((i: any) => i.customerId).sort()).toEqual(
      [...perCustomer.keys()].sort(),
    );

    const moves = sandbox.odoo
      .records('account.move')
      .filter(m => m.move_type === 'out_invoice');
    for (const invoice of run.invoices) {
      const exact = perCustomer.get(invoice.customerId)!;
      expect(invoice.exactTotal).toBe(exact.toFixed());
      expect(invoice.total).toBe(
        exact.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2),
      );
    }
    const notIssued = run.invoices.filter(
      (i: any) => i.state === 'blocked' || i.state === 'skipped',
    );
    for (const invoice of notIssued) {
      expect(invoice.note).toBeTruthy();
      expect(moves.filter(m => m.ref === invoice.ref)).toHaveLength(0);
    }
    const issued = run.invoices.filter((i: any) => !notIssued.includes(i));
    for (const invoice of issued) {
      const inOdoo = moves.filter(m => m.ref === invoice.ref);
      // Odoo's own untaxed amount equals the usage rounded once.
      expect(inOdoo).toHaveLength(1);
      expect(Number(inOdoo[0].amount_untaxed).toFixed(2)).toBe(invoice.total);
      expect(invoice.odoo.total).toBe(invoice.total);
      // Posted under the number Odoo gave it; the partner the run created
      // has no e-mail address, so sending was skipped, saying so.
      expect(invoice.state).toBe('posted');
      expect(inOdoo[0].state).toBe('posted');
      expect(invoice.odoo.name).toBe(inOdoo[0].name);
      expect(invoice.odoo.name).toMatch(/^INV\/\d{4}\/\d{5}$/);
      expect(invoice.note).toMatch(
        /^e-mail not sent: partner \d+ \(.+\) has no e-mail address in odoo/,
      );
    }
    expect(issued.length).toBeGreaterThan(0);
    expect(run.invoiceCount).toBe(issued.length);
    // Acme uses the sandbox's unpriced Models: blocked before anything, with the reason.
    const acme = run.invoices.find(
      (i: any) => i.customerName === 'Acme Robotics SRL',
    );
    expect(acme.state).toBe('blocked');
    expect(acme.note).toMatch(/^usage of models without a price: /);

    // The runs list holds the run; a preview afterwards is not stored.
    const preview = await get('/invoicing/generate?location=local&dry_run=all');
    expect(preview.status).toBe(200);
    expect(
      preview.body.invoices.map((i: any) => [i.customerId, i.total]),
    ).toEqual(run.invoices.map((i: any) => [i.customerId, i.total]));
    const runs = await get('/invoicing/runs?location=local');
    expect(runs.body.items.map((r: any) => r.id)).toEqual([run.id]);
    expect(runs.body.total).toBe(1);
    expect((await get(`/invoicing/runs/${preview.body.id}`)).status).toBe(404);

    // Searched, filtered and paged by the backend.
    const found = await get(
      `/invoicing/runs?q=${run.month}%20SUCCEEDED&state=succeeded&sort=total&order=desc&limit=1`,
    );
    expect([found.body.items.map((r: any) => r.id), found.body.total]).toEqual([
      [run.id],
      1,
    ]);
    const none = await get('/invoicing/runs?state=failed');
    expect([none.body.items, none.body.total]).toEqual([[], 0]);
    expect((await get('/invoicing/runs?offset=1')).body).toMatchObject({
      items: [],
      total: 1,
    });
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['state=lost', 'state'],
    ['sort=customer', 'sort'],
    ['location=LOCAL', 'location'],
  ])(
    'answers 400 naming the field for the runs list with %s',
    async (query, field) => {
      const res = await get(`/invoicing/runs?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(field);
    },
  );

  it.each([
    ['/invoicing/generate?location=local&dry_run=all&date=2026-02-30', 'date'],
    ['/invoicing/generate?location=local&dry_run=all&date=0001-01-01', 'date'],
    ['/invoicing/generate?location=local&dry_run=none&date=2101-01-01', 'date'],
    ['/usage?start_date=2026-02-30&end_date=2026-03-01', 'start_date'],
    ['/usage?start_date=1999-12-01&end_date=2000-01-01', 'start_date'],
    [
      '/customers/local/x?start_date=2026-10-01&end_date=2026-02-30',
      'end_date',
    ],
  ])(
    'answers 400 naming the field for %s, storing nothing',
    async (path, field) => {
      const before = (await get('/invoicing/runs')).body.items.length;
      const res = await get(path);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(new RegExp(`^${field} must be `));
      expect((await get('/invoicing/runs')).body.items).toHaveLength(before);
    },
  );
});
