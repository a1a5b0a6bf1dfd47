import { TestDatabases } from '@backstage/backend-test-utils';
import type { Sandbox } from '@internal/test-emulators';
import Decimal from 'decimal.js';
import { billOctober, issued, useRunHarness } from './__testUtils__/runHarness';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/**
 * What a run does not issue or send, and what it does not store: partners
 * without an e-mail address, blocked and below-minimum invoices, dry runs.
 */
describe.each(databases.eachSupportedId())(
  'InvoiceRunService outcomes on %s',
  databaseId => {
    const harness = useRunHarness(databases, databaseId);
    const { seedPartners, setup, outInvoices } = harness;
    let sandbox: Sandbox;
    beforeAll(() => {
      sandbox = harness.sandbox();
    });

    it('creates a missing partner; without an e-mail the invoice is posted under its Odoo number, sending skipped with the reason, and the run succeeds', async () => {
      const { service, locations } = await setup();
      const customers = sandbox.bifrost.customers();
      const preview = await billOctober(service, 'all');
      const first = customers.find(c =>
        issued(preview).some(i => i.customerId === c.id),
      )!;
      seedPartners([first.id]);
      const run = await billOctober(service, 'none');
      expect(run.error).toBeUndefined();
      expect(run.state).toBe('succeeded');
      const partner = sandbox.odoo
        .records('res.partner')
        .filter(p => p.ref === first.id);
      expect(partner).toHaveLength(1);
      expect(partner[0].name).toBe(first.name);
      const unsent = run.invoices.find(i => i.customerId === first.id)!;
      expect(unsent.state).toBe('posted');
      expect(unsent.error).toBeUndefined();
      expect(unsent.note).toBe(
        `e-mail not sent: partner ${partner[0].id} (${first.name}) has no e-mail address in odoo; add one and run again to send it`,
      );
      const [move] = outInvoices().filter(m => m.ref === unsent.ref);
      expect(move.state).toBe('posted');
      expect(move.is_move_sent).toBe(false);
      // The number Odoo gave it on posting, read back: not the draft's '/'.
      expect(move.name).toMatch(/^INV\/\d{4}\/\d{5}$/);
      expect(unsent.odoo).toMatchObject({ name: move.name, state: 'posted' });
      // The others went through.
      expect(run.invoices.filter(i => i.state === 'sent')).toHaveLength(
        issued(run).length - 1,
      );

      // Once the partner has an address, a re-run sends it and creates nothing.
      await locations.odoo('local').execute('res.partner', 'write', {
        ids: [partner[0].id],
        kwargs: { vals: { email: 'billing@example.com' } },
        operation: 'test: add e-mail',
      });
      const rerun = await billOctober(service, 'none');
      expect(rerun.state).toBe('succeeded');
      expect(rerun.invoices.find(i => i.customerId === first.id)).toMatchObject(
        { state: 'sent', odoo: { name: move.name } },
      );
      expect(outInvoices()).toHaveLength(issued(run).length);
    });

    it('never posts a blocked invoice nor one below the minimum; the run says why and succeeds', async () => {
      const { service } = await setup({ minimumTotal: '1000000' });
      seedPartners();
      const run = await billOctober(service, 'none');
      expect(run.state).toBe('succeeded');
      expect(run.invoiceCount).toBe(0);
      expect(run.total).toBe('0.00');
      expect(outInvoices()).toHaveLength(0);
      expect(new Set(run.invoices.map(i => i.state))).toEqual(
        new Set(['blocked', 'skipped']),
      );
      for (const invoice of run.invoices.filter(i => i.state === 'skipped')) {
        expect(invoice.note).toBe(
          `total ${invoice.total} USD (exact ${invoice.exactTotal}) is below the minimum of 1000000.00 USD: not invoiced`,
        );
        expect(invoice.odoo).toBeUndefined();
      }
    });

    it('stores no dry run (all, validate): previews never push real runs off the runs list', async () => {
      const { service, store, knex } = await setup();
      seedPartners();
      const real = await billOctober(service, 'none');
      const previews = [];
      for (let i = 0; i < 3; i++) {
        previews.push(await billOctober(service, 'all'));
      }
      previews.push(await billOctober(service, 'validate'));
      for (const preview of previews) {
        expect(preview.state).toBe('succeeded');
        expect(preview.invoices.length).toBe(real.invoices.length);
        await expect(store.getRun(preview.id)).rejects.toThrow(
          /No invoice run/,
        );
      }
      // validate still reports what Odoo has, in its answer.
      expect(
        issued(previews[3]).every(i => /already in odoo/.test(i.note!)),
      ).toBe(true);
      expect(
        (await store.listRuns({ location: 'local', limit: 1 })).map(r => r.id),
      ).toEqual([real.id]);
      const [{ n }] = await knex('invoice_runs').count({ n: '*' });
      expect(Number(n)).toBe(1);
    });
    it('shows blocked and below-minimum invoices before any run: the preview (MCP action) says why', async () => {
      const { service } = await setup({ minimumTotal: '0.05' });
      // The preview reads the ledger as it is: a dry run fills it first.
      await billOctober(service, 'all');
      const preview = await service.preview({
        location: 'local',
        month: '2026-10',
      });
      const byName = new Map(
        preview.invoices.map(i => [
          sandbox.bifrost.customers().find(c => c.id === i.customerId)?.name,
          i,
        ]),
      );
      expect(byName.get('Acme Robotics SRL')).toMatchObject({
        status: 'blocked',
        reason: expect.stringMatching(
          /^usage of models without a price: deepseek-r1-distill-qwen-15b \(\d+ requests, [\d,]+ tokens\)/,
        ),
      });
      // Globex's embeddings cost less than the minimum of 0.05.
      expect(byName.get('Globex Analytics')).toMatchObject({
        status: 'below-minimum',
        reason: expect.stringMatching(/below the minimum of 0\.05 USD/),
      });
      // The total counts only what would be issued.
      expect(preview.total).toBe(
        preview.invoices
          .filter(i => i.status === 'ready')
          .reduce((sum, i) => sum.plus(i.total), new Decimal(0))
          .toFixed(2),
      );
      expect(outInvoices()).toHaveLength(0);
    });
  },
);
