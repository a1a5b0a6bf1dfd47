import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { InvoiceLine } from '../invoicing/toInvoiceDrafts';
import { InvoiceStore } from './InvoiceStore';
import { UsageLedgerStore } from './UsageLedgerStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const line = (model: string, amount: string): InvoiceLine => ({
  model,
  description: `${model} (2026-10)`,
  requests: 3,
  promptTokens: 300,
  completionTokens: 150,
  exactAmount: amount,
  amount,
  quantity: '1',
  unitPrice: amount,
  unpriced: false,
});

describe.each(databases.eachSupportedId())('InvoiceStore on %s', id => {
  it('returns a run with its invoices, the lines read back or taken from the caller', async () => {
    const knex = await databases.init(id);
    // Runs the plugin's migrations.
    await UsageLedgerStore.create(
      mockServices.database.mock({ getClient: async () => knex }),
    );
    const store = new InvoiceStore(knex);
    const run = await store.startRun({
      location: 'local',
      month: '2026-10',
      dryRun: 'all',
      triggeredBy: 'test',
      currency: 'USD',
    });
    const invoices = ['acme', 'beta', 'gamma'].map((c, i) => ({
      customerId: c,
      customerName: c.toUpperCase(),
      ref: `IB-local-${c}-2026-10`,
      lines: [line('m1', `${i + 1}.00`), line('m2', '0.50')],
      total: `${i + 1}.50`,
      exactTotal: `${i + 1}.5`,
    }));
    await store.addInvoices(run.id, invoices);

    const stored = await store.getRun(run.id);
    expect(stored.invoices.map(i => [i.customerId, i.lines])).toEqual(
      invoices.map(i => [i.customerId, i.lines]),
    );

    // Lines known for two customers: theirs are the caller's arrays, the
    // third customer's come from the database; the rest is the same.
    const known = new Map(
      invoices.slice(0, 2).map(i => [i.customerId, i.lines]),
    );
    const withKnown = await store.getRun(run.id, known);
    expect(withKnown).toEqual(stored);
    expect(withKnown.invoices[0].lines).toBe(invoices[0].lines);
    expect(withKnown.invoices[2].lines).not.toBe(invoices[2].lines);
    expect(withKnown.invoices[2].lines).toEqual(invoices[2].lines);
  });
  it('lists only runs that issue invoices; the migration drops the dry runs older versions stored', async () => {
    const knex = await databases.init(id);
    await UsageLedgerStore.create(
      mockServices.database.mock({ getClient: async () => knex }),
    );
    const store = new InvoiceStore(knex);
    const start = (dryRun: 'all' | 'validate' | 'none') =>
      store.startRun({
        location: 'local',
        month: '2026-10',
        dryRun,
        triggeredBy: 'test',
        currency: 'USD',
      });
    const real = await start('none');
    await store.finishRun(real.id, {
      state: 'succeeded',
      invoiceCount: 0,
      total: '0.00',
      exactTotal: '0',
    });
    const previews = [await start('all'), await start('validate')];
    for (const run of [real, ...previews]) {
      await store.addInvoices(run.id, [
        {
          customerId: 'acme',
          customerName: 'ACME',
          ref: 'IB-local-acme-2026-10',
          lines: [line('m1', '1.00')],
          total: '1.00',
          exactTotal: '1',
        },
      ]);
    }
    expect(
      (await store.listRuns({ location: 'local', limit: 10 })).map(r => r.id),
    ).toEqual([real.id]);

    const directory = resolvePackagePath(
      '@internal/backstage-plugin-inference-billing-backend',
      'migrations',
    );
    await knex.migrate.down({
      directory,
      name: '20261205093000_invoice_previews_not_stored.js',
    });
    await knex.migrate.latest({ directory });
    expect(
      (await knex('invoice_runs').select('id')).map((r: any) => r.id),
    ).toEqual([real.id]);
    expect(
      (await knex('invoices').select('run_id')).map((r: any) => r.run_id),
    ).toEqual([real.id]);
  });
});

describe.each(databases.eachSupportedId())(
  'InvoiceStore.searchRuns on %s',
  id => {
    const row = (
      n: number,
      values: Partial<Record<string, string | number | null>>,
    ) => ({
      id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      location: 'local',
      month: '2026-10',
      dry_run: 'none',
      state: 'succeeded',
      triggered_by: 'schedule',
      currency: 'EUR',
      started_at: `2026-11-${String(n).padStart(2, '0')}T00:00:00.000Z`,
      finished_at: null,
      invoice_count: 1,
      total: '1.00',
      exact_total: '1',
      error: null,
      lock_key: null,
      ...values,
    });

    async function seeded() {
      const knex = await databases.init(id);
      await UsageLedgerStore.create(
        mockServices.database.mock({ getClient: async () => knex }),
      );
      await knex('invoice_runs').insert([
        row(1, { total: '9.99' }),
        row(2, { total: '100.01', location: 'pr', currency: 'USD' }),
        row(3, {
          total: '10',
          state: 'failed',
          error: 'Odoo of stalpeni: timed out',
          location: 'stalpeni',
        }),
        row(4, { month: '2026-09', triggered_by: 'user:default/ana' }),
        row(5, { dry_run: 'all', total: '500' }),
        row(6, { month: '2026-08', triggered_by: 'api-key:50%_off' }),
      ]);
      return new InvoiceStore(knex);
    }
    const ids = (page: { items: Array<{ id: string }> }) =>
      page.items.map(r => Number(r.id.slice(-2)));

    it('pages newest first and counts every selected run, leaving dry runs out', async () => {
      const store = await seeded();
      const first = await store.searchRuns({ limit: 2 });
      expect(ids(first)).toEqual([6, 4]);
      expect(first.total).toBe(5);
      expect(ids(await store.searchRuns({ offset: 2, limit: 2 }))).toEqual([
        3, 2,
      ]);
      expect(ids(await store.searchRuns({ offset: 4, limit: 2 }))).toEqual([1]);
    });

    it('filters by location and state and matches every word in any field, case-insensitively', async () => {
      const store = await seeded();
      const pr = await store.searchRuns({ location: 'pr', limit: 10 });
      expect([ids(pr), pr.total]).toEqual([[2], 1]);
      expect(
        ids(await store.searchRuns({ state: 'failed', limit: 10 })),
      ).toEqual([3]);
      expect(
        ids(await store.searchRuns({ words: ['2026-09', 'ana'], limit: 10 })),
      ).toEqual([4]);
      expect(
        ids(await store.searchRuns({ words: ['odoo', 'timed'], limit: 10 })),
      ).toEqual([3]);
      expect(
        (await store.searchRuns({ words: ['odoo', 'ana'], limit: 10 })).total,
      ).toBe(0);
    });

    it('takes LIKE wildcards in a search literally', async () => {
      const store = await seeded();
      // `_` and `%` would match any character: only the run that holds
      // them literally is found, and `2026_` finds nothing.
      expect(ids(await store.searchRuns({ words: ['%'], limit: 10 }))).toEqual([
        6,
      ]);
      expect(
        (await store.searchRuns({ words: ['2026_'], limit: 10 })).total,
      ).toBe(0);
    });

    it('sorts totals by amount, not as text, and other columns with newest first among ties', async () => {
      const store = await seeded();
      const byTotal = await store.searchRuns({
        sort: { column: 'total', order: 'desc' },
        limit: 10,
      });
      expect(byTotal.items.map(r => r.total)).toEqual([
        '100.01',
        '10',
        '9.99',
        '1.00',
        '1.00',
      ]);
      expect(ids(byTotal)).toEqual([2, 3, 1, 6, 4]);
      expect(
        ids(
          await store.searchRuns({
            sort: { column: 'month', order: 'asc' },
            limit: 10,
          }),
        ),
      ).toEqual([6, 4, 3, 2, 1]);
      expect(
        ids(
          await store.searchRuns({
            sort: { column: 'location', order: 'desc' },
            limit: 10,
          }),
        ),
      ).toEqual([3, 2, 6, 4, 1]);
    });
  },
);
