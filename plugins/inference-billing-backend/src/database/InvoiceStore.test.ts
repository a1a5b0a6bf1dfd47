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
