import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ConfigInferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import Decimal from 'decimal.js';
import { InvoiceStore } from '../../database/InvoiceStore';
import { UsageLedgerStore } from '../../database/UsageLedgerStore';
import { UsageIngestor } from '../../services/UsageIngestor';
import { InvoiceRunHooks, InvoiceRunService } from '../InvoiceRunService';

export const NOW = new Date('2026-11-03T00:00:00Z');
export const MONTH = { from: '2026-10-01', to: '2026-11-01' };

/** The scheduled run of 2026-11-02, which bills October 2026. */
export const billOctober = (
  service: InvoiceRunService,
  dryRun: 'all' | 'validate' | 'none',
) =>
  service.generate({
    location: 'local',
    date: '2026-11-02',
    dryRun,
    triggeredBy: 'schedule',
  });

/** The invoices a run issues: not blocked (unpriced usage) nor below the minimum. */
export const issued = <T extends { state: string }>(run: { invoices: T[] }) =>
  run.invoices.filter(i => i.state !== 'blocked' && i.state !== 'skipped');

/**
 * Invoice runs against the sandbox (40 days of usage up to NOW, Bifrost and
 * Odoo emulators) on one test database: registers the suite's hooks and
 * returns the helpers.
 */
export function useRunHarness(databases: TestDatabases, databaseId: string) {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({
      days: 40,
      modelReadyDelayMs: 0,
      now: NOW,
    });
  });
  afterAll(() => sandbox.close());

  /** Bifrost customers (id -> name), each with an Odoo partner (ref = customer id) with an e-mail. */
  function seedPartners(except: string[] = []) {
    const customers = sandbox.bifrost
      .customers()
      .filter(c => !except.includes(c.id));
    sandbox.odoo.seed({
      'res.partner': customers.map(c => ({
        name: c.name,
        ref: c.id,
        email: `billing+${c.id.slice(0, 8)}@example.com`,
        is_company: true,
      })),
    });
  }

  async function setup(
    options: {
      protocol?: 'jsonrpc' | 'json2';
      hooks?: InvoiceRunHooks;
      pageSize?: number;
      minimumTotal?: string;
    } = {},
  ) {
    const knex = await databases.init(databaseId as any);
    const ledger = await UsageLedgerStore.create(
      mockServices.database.mock({ getClient: async () => knex }),
    );
    const inference = sandbox.config.inference as any;
    const config = new ConfigReader({
      ...sandbox.config,
      inference: {
        ...inference,
        locations: inference.locations.map((l: any) => ({
          ...l,
          odoo: { ...l.odoo, protocol: options.protocol ?? 'jsonrpc' },
        })),
        http: { timeoutMs: 1500, retries: 1 },
      },
    } as any);
    const locations = ConfigInferenceLocationsService.fromConfig(config);
    const logger = mockServices.logger.mock();
    const ingestor = new UsageIngestor({
      locations,
      store: ledger,
      logger,
      pageSize: options.pageSize ?? 500,
      commitSize: options.pageSize ?? 500,
    });
    const store = new InvoiceStore(knex, () => NOW);
    const auditEvents: Array<{ options: any; outcome?: any }> = [];
    const auditor = {
      createEvent: jest.fn(async (opts: any) => {
        const entry: { options: any; outcome?: any } = { options: opts };
        auditEvents.push(entry);
        return {
          success: async (o?: any) => {
            entry.outcome = { success: o };
          },
          fail: async (o: any) => {
            entry.outcome = { fail: o };
          },
        };
      }),
    };
    const service = new InvoiceRunService({
      locations,
      ledger,
      store,
      logger,
      auditor: auditor as any,
      ingestor,
      now: () => NOW,
      hooks: options.hooks,
      minimumTotal: options.minimumTotal,
    });
    return { knex, ledger, store, service, locations, auditEvents };
  }

  /**
   * Independent of the rollups: each raw request of October, priced at its
   * snapshotted prices, summed per customer with decimal.js.
   */
  async function expectedTotals(knex: any): Promise<Map<string, string>> {
    const rows = await knex('usage_records')
      .where('location', 'local')
      .andWhere('occurred_at', '>=', `${MONTH.from}T00:00:00.000Z`)
      .andWhere('occurred_at', '<', `${MONTH.to}T00:00:00.000Z`)
      .whereNotNull('customer_id')
      .select(
        'customer_id',
        'prompt_tokens',
        'completion_tokens',
        'prompt_price',
        'completion_price',
      );
    const sums = new Map<string, Decimal>();
    for (const r of rows) {
      const cost = new Decimal(String(r.prompt_tokens))
        .times(r.prompt_price ?? 0)
        .plus(
          new Decimal(String(r.completion_tokens)).times(
            r.completion_price ?? 0,
          ),
        );
      sums.set(
        r.customer_id,
        (sums.get(r.customer_id) ?? new Decimal(0)).plus(cost),
      );
    }
    return new Map([...sums].map(([k, v]) => [k, v.toFixed()]));
  }

  const outInvoices = () =>
    sandbox.odoo
      .records('account.move')
      .filter(m => m.move_type === 'out_invoice');

  beforeEach(() => {
    sandbox.odoo.reset();
    sandbox.odoo.faults.clear();
    sandbox.bifrost.faults.clear();
  });

  return {
    sandbox: () => sandbox,
    seedPartners,
    setup,
    expectedTotals,
    outInvoices,
  };
}
