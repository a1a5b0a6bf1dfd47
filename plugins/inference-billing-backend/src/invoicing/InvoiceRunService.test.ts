import { TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError, InputError } from '@backstage/errors';
import type { Sandbox } from '@internal/test-emulators';
import Decimal from 'decimal.js';
import { billOctober, issued, useRunHarness } from './__testUtils__/runHarness';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

describe.each(databases.eachSupportedId())(
  'InvoiceRunService on %s',
  databaseId => {
    const harness = useRunHarness(databases, databaseId);
    const { seedPartners, setup, expectedTotals, outInvoices } = harness;
    let sandbox: Sandbox;
    beforeAll(() => {
      sandbox = harness.sandbox();
    });

    it('previews a month (dry_run=all): per-customer totals equal an independent sum over the raw usage', async () => {
      const { knex, service, auditEvents } = await setup();
      const run = await service.generate({
        location: 'local',
        date: '2026-11-02',
        dryRun: 'all',
        triggeredBy: 'user:default/test',
      });
      expect(run).toMatchObject({
        location: 'local',
        month: '2026-10',
        dryRun: 'all',
        state: 'succeeded',
        // The prices are USD: invoices are issued in USD whatever the
        // location's books (billing.currency EUR in the sandbox).
        currency: 'USD',
      });
      const expected = await expectedTotals(knex);
      expect(expected.size).toBe(3);
      expect(
        new Map(run.invoices.map(i => [i.customerId, i.exactTotal])),
      ).toEqual(
        new Map([...expected].map(([k, v]) => [k, new Decimal(v).toFixed()])),
      );
      for (const invoice of run.invoices) {
        expect(invoice.state).toBe(
          invoice.lines.some(l => l.unpriced) ? 'blocked' : 'computed',
        );
        expect(invoice.customerName).not.toBe(invoice.customerId);
        // The invoice total is the exact usage rounded once, half-up, and
        // the sum of its lines' amounts.
        expect(invoice.total).toBe(
          new Decimal(expected.get(invoice.customerId)!)
            .toDecimalPlaces(2, Decimal.ROUND_HALF_UP)
            .toFixed(2),
        );
        expect(invoice.total).toBe(
          invoice.lines
            .reduce((s, l) => s.plus(l.amount), new Decimal(0))
            .toFixed(2),
        );
      }
      // Acme uses every model, unpriced ones too: its invoice is blocked
      // before any run posts it, saying why.
      const blocked = run.invoices.filter(i => i.state === 'blocked');
      expect(blocked.map(i => i.customerName)).toEqual(['Acme Robotics SRL']);
      expect(blocked[0].note).toMatch(
        /^usage of models without a price: .*\(\d+ requests, [\d,]+ tokens\)/,
      );
      expect(run.invoiceCount).toBe(issued(run).length);
      expect(run.total).toBe(
        issued(run)
          .reduce((s, i) => s.plus(i.total), new Decimal(0))
          .toFixed(2),
      );
      expect(run.exactTotal).toBe(
        [...expected.values()]
          .reduce((s, v) => s.plus(v), new Decimal(0))
          .toFixed(),
      );
      expect(outInvoices()).toHaveLength(0);
      expect(auditEvents).toHaveLength(1);
      expect(auditEvents[0].options).toMatchObject({
        eventId: 'invoice-run',
        meta: { location: 'local', month: '2026-10', dryRun: 'all' },
      });
      expect(auditEvents[0].outcome.success.meta.runId).toBe(run.id);
    });

    it('dry_run=none creates one posted, sent invoice per customer with usage, totals equal to the cent; a re-run adds nothing', async () => {
      const { service, store } = await setup();
      seedPartners();
      const run = await billOctober(service, 'none');
      expect(run.error).toBeUndefined();
      expect(run.state).toBe('succeeded');
      const moves = outInvoices();
      expect(issued(run).length).toBeGreaterThan(0);
      expect(moves).toHaveLength(issued(run).length);
      for (const invoice of issued(run)) {
        const matching = moves.filter(m => m.ref === invoice.ref);
        expect(matching).toHaveLength(1);
        const [move] = matching;
        expect(move.state).toBe('posted');
        expect(move.is_move_sent).toBe(true);
        expect(invoice.state).toBe('sent');
        expect(invoice.odoo).toMatchObject({
          invoiceId: move.id,
          name: move.name,
          total: invoice.total,
          state: 'posted',
        });
        expect(invoice.odoo?.url).toContain(`id=${move.id}`);
        const [read] = sandbox.odoo
          .records('account.move')
          .filter(m => m.id === move.id);
        expect(read).toBeDefined();
        // Issued in USD, the currency of the prices.
        const usd = sandbox.odoo
          .records('res.currency')
          .find(c => c.name === 'USD');
        expect(read.currency_id).toBe(usd?.id);
      }
      // Odoo's own totals, read over its API, equal ours to the cent.
      const odoo = (await setup()).locations.odoo('local');
      for (const invoice of issued(run)) {
        const [inOdoo] = await odoo.findInvoicesByRef(invoice.ref);
        expect(inOdoo.amountTotal).toBe(invoice.total);
      }
      expect(sandbox.odoo.sentEmails()).toHaveLength(issued(run).length);

      const again = await billOctober(service, 'none');
      expect(again.state).toBe('succeeded');
      expect(outInvoices()).toHaveLength(issued(run).length);
      expect(sandbox.odoo.sentEmails()).toHaveLength(issued(run).length);
      const runs = await store.listRuns({ location: 'local', limit: 10 });
      expect(runs.map(r => r.id).sort()).toEqual([again.id, run.id].sort());

      // The customer page lists each invoice once (the latest record of its
      // ref), with its Odoo link; previews are not invoices.
      await service.generate({
        location: 'local',
        date: '2026-11-02',
        dryRun: 'all',
        triggeredBy: 'test',
      });
      const first = issued(run)[0];
      const listed = await store.customerInvoices('local', first.customerId);
      expect(listed).toEqual([
        expect.objectContaining({
          month: '2026-10',
          ref: first.ref,
          state: 'sent',
          total: first.total,
          currency: 'USD',
          odoo: expect.objectContaining({ url: expect.any(String) }),
        }),
      ]);
      expect(await store.customerInvoices('local', 'nobody')).toEqual([]);
    });

    it('resumes after a fault on action_post: exactly one invoice each, all posted and sent', async () => {
      const { service } = await setup({ protocol: 'json2' });
      seedPartners();
      sandbox.odoo.faults.inject({
        kind: '5xx',
        status: 500,
        pathPrefix: '/json/2/account.move/action_post',
        times: 1,
      });
      const failed = await billOctober(service, 'none');
      expect(failed.state).toBe('failed');
      expect(failed.error).toMatch(
        /^location local: odoo: post invoice \d+ failed: HTTP 500/,
      );
      // Killed between creating and posting: one draft in Odoo.
      expect(outInvoices().map(m => m.state)).toEqual(['draft']);
      expect(failed.invoices.filter(i => i.state === 'failed')).toHaveLength(1);

      const rerun = await billOctober(service, 'none');
      expect(rerun.state).toBe('succeeded');
      const moves = outInvoices();
      expect(moves).toHaveLength(issued(rerun).length);
      expect(new Set(moves.map(m => m.ref)).size).toBe(moves.length);
      expect(moves.every(m => m.state === 'posted' && m.is_move_sent)).toBe(
        true,
      );
      expect(
        rerun.invoices.find(i => i.note?.startsWith('resumed')),
      ).toBeDefined();
    });

    it('resumes after a crash right after Odoo created an invoice (before the run recorded it)', async () => {
      let crash = true;
      const { service } = await setup({
        hooks: {
          afterCreate: () => {
            if (crash) {
              crash = false;
              throw new Error('simulated crash');
            }
          },
        },
      });
      seedPartners();
      const failed = await billOctober(service, 'none');
      expect(failed.state).toBe('failed');
      expect(outInvoices()).toHaveLength(1);
      const rerun = await billOctober(service, 'none');
      expect(rerun.state).toBe('succeeded');
      const refs = outInvoices().map(m => m.ref);
      expect(refs.sort()).toEqual(
        issued(rerun)
          .map(i => i.ref)
          .sort(),
      );
    });

    it('a run killed mid-ingestion fails naming bifrost; the re-run loses no usage and invoices once', async () => {
      const { service, locations, ledger, knex } = await setup({
        pageSize: 200,
      });
      seedPartners();
      const bifrost = locations.bifrost('local');
      const original = bifrost.listLogs.bind(bifrost);
      let calls = 0;
      jest.spyOn(bifrost, 'listLogs').mockImplementation(async o => {
        calls += 1;
        if (calls === 3) {
          sandbox.bifrost.faults.inject({ kind: 'reset', times: 5 });
        }
        return original(o);
      });
      const failed = await billOctober(service, 'none');
      expect(failed.state).toBe('failed');
      expect(failed.error).toMatch(/^location local: bifrost: list logs/);
      expect(outInvoices()).toHaveLength(0);
      const partial = await ledger.countRecords('local');
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(sandbox.bifrost.logs().length);

      sandbox.bifrost.faults.clear();
      const rerun = await billOctober(service, 'none');
      expect(rerun.state).toBe('succeeded');
      expect(await ledger.countRecords('local')).toBe(
        sandbox.bifrost.logs().length,
      );
      const expected = await expectedTotals(knex);
      expect(
        new Map(rerun.invoices.map(i => [i.customerId, i.exactTotal])),
      ).toEqual(expected);
      expect(outInvoices()).toHaveLength(issued(rerun).length);
    });

    it.each([
      ['odoo', '5xx', { kind: '5xx', status: 500 }, /HTTP 500/],
      ['odoo', 'hang', { kind: 'hang' }, /timed out after 1500 ms/],
      ['odoo', 'reset', { kind: 'reset' }, /failed/],
      ['bifrost', '5xx', { kind: '5xx', status: 500 }, /HTTP 500/],
      ['bifrost', 'hang', { kind: 'hang' }, /timed out after 1500 ms/],
      ['bifrost', 'reset', { kind: 'reset' }, /failed/],
    ] as const)(
      'a %s %s fails the run with an error naming location and system, and the re-run duplicates nothing',
      async (system, _kind, fault, reason) => {
        const { service } = await setup();
        seedPartners();
        sandbox[system].faults.inject({ ...fault });
        const failed = await billOctober(service, 'none');
        sandbox[system].faults.clear();
        sandbox[system].faults.releaseHanging();
        expect(failed.state).toBe('failed');
        expect(failed.error).toMatch(
          new RegExp(`^location local: ${system}: `),
        );
        expect(failed.error).toMatch(reason);
        for (const secret of sandbox.secrets) {
          expect(failed.error).not.toContain(secret);
        }
        const rerun = await billOctober(service, 'none');
        expect(rerun.state).toBe('succeeded');
        const refs = outInvoices().map(m => m.ref);
        expect(refs.sort()).toEqual(
          issued(rerun)
            .map(i => i.ref)
            .sort(),
        );
      },
    );

    it('validate looks each ref up in Odoo and creates nothing', async () => {
      const { service } = await setup();
      seedPartners();
      const first = await billOctober(service, 'validate');
      expect(first.state).toBe('succeeded');
      expect(issued(first).every(i => /not in odoo yet/.test(i.note!))).toBe(
        true,
      );
      await billOctober(service, 'none');
      const before = outInvoices().length;
      const second = await billOctober(service, 'validate');
      expect(issued(second).every(i => /already in odoo/.test(i.note!))).toBe(
        true,
      );
      expect(outInvoices()).toHaveLength(before);
    });

    it('rejects bad input naming the parameter, recording nothing', async () => {
      const { service, store } = await setup();
      const bad = [
        [{ location: 'local', dryRun: 'maybe' }, /^dry_run /],
        [{ location: 'nowhere', dryRun: 'all' }, /^location: /],
        [{ location: 'local', dryRun: 'all', date: 'soon' }, /^date /],
        // November has not ended on 3 November.
        [
          { location: 'local', dryRun: 'none', date: '2026-12-01' },
          /^date: 2026-11 has not ended/,
        ],
      ] as const;
      for (const [input, message] of bad) {
        const error = await service
          .generate({ ...input, triggeredBy: 'test' })
          .catch(e => e);
        expect(error).toBeInstanceOf(InputError);
        expect(error.message).toMatch(message);
      }
      expect(await store.listRuns({ limit: 10 })).toEqual([]);
    });

    it('lets only one dry_run=none run of a location and month work at a time', async () => {
      const { store } = await setup();
      const input = {
        location: 'local',
        month: '2026-10',
        dryRun: 'none' as const,
        triggeredBy: 'a',
        currency: 'EUR',
      };
      const first = await store.startRun(input);
      await expect(store.startRun(input)).rejects.toThrow(ConflictError);
      // Previews are never blocked.
      await store.startRun({ ...input, dryRun: 'all' });
      await store.finishRun(first.id, {
        state: 'succeeded',
        invoiceCount: 0,
        total: '0.00',
        exactTotal: '0',
      });
      expect((await store.startRun(input)).state).toBe('running');
    });
  },
);
