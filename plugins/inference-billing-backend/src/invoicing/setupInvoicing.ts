import type {
  AuditorService,
  LoggerService,
  PermissionsService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import type { InferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import { InvoiceStore } from '../database/InvoiceStore';
import type { UsageLedgerStore } from '../database/UsageLedgerStore';
import { InvoiceRunService } from './InvoiceRunService';
import { DEFAULT_MINIMUM_TOTAL } from './toInvoiceDrafts';
import { registerInvoicePreviewAction } from '../actions/previewInvoicesAction';

/** The cron of a location's monthly run: 00:00 UTC on its invoice day. */
export function invoicingCron(invoiceDay: number): string {
  return `0 0 ${invoiceDay} * *`;
}

const MINIMUM_TOTAL_KEY = 'inference.billing.invoicing.minimumTotal';

/** `inference.billing.invoicing.minimumTotal`, checked at startup: a non-negative decimal. */
export function readMinimumTotal(config: RootConfigService): string {
  const raw = config.getOptional(MINIMUM_TOTAL_KEY);
  if (raw === undefined) return DEFAULT_MINIMUM_TOTAL;
  const value = typeof raw === 'number' ? String(raw) : raw;
  if (typeof value !== 'string' || !/^\d{1,12}(\.\d{1,2})?$/.test(value)) {
    throw new Error(
      `${MINIMUM_TOTAL_KEY} must be a non-negative amount in USD with at most 2 decimals, such as "0.50"; got ${JSON.stringify(
        raw,
      )}`,
    );
  }
  return value;
}

/**
 * Invoicing: the store (on the plugin's migrated database), the
 * run service, a global scheduled task `invoicing:<location>` per location
 * with Odoo (00:00 UTC on `billing.invoiceDay`, billing the previous month
 * with dry_run=none) and the read-only preview action.
 */
export async function setupInvoicing(deps: {
  /** The plugin's database, migrated (`applyDatabaseMigrations`). */
  db: Knex;
  scheduler: SchedulerService;
  locations: InferenceLocationsService;
  ledger: UsageLedgerStore;
  ingestor: { ingest(location: string): Promise<unknown> };
  logger: LoggerService;
  auditor: AuditorService;
  permissions: PermissionsService;
  actionsRegistry: ActionsRegistryService;
  config: RootConfigService;
}) {
  const invoiceStore = new InvoiceStore(deps.db);
  const minimumTotal = readMinimumTotal(deps.config);
  const invoiceRuns = new InvoiceRunService({
    minimumTotal,
    locations: deps.locations,
    ledger: deps.ledger,
    store: invoiceStore,
    logger: deps.logger,
    auditor: deps.auditor,
    ingestor: deps.ingestor,
  });
  const scheduled =
    deps.config.getOptionalBoolean('inference.billing.invoicing.schedule') ??
    true;
  for (const location of deps.locations.list()) {
    if (!scheduled || !location.odoo) continue;
    // Global (the scheduler's default): one backend instance runs it.
    await deps.scheduler.scheduleTask({
      id: `invoicing:${location.name}`,
      frequency: { cron: invoicingCron(location.billing.invoiceDay) },
      timeout: { hours: 2 },
      fn: async () => {
        const run = await invoiceRuns.generate({
          location: location.name,
          dryRun: 'none',
          triggeredBy: 'schedule',
        });
        if (run.state === 'failed') {
          // Logged, and thrown so that the scheduler records the failed run.
          const message = `location ${location.name}: monthly invoice run ${run.id} failed: ${run.error}`;
          deps.logger.error(message);
          throw new Error(message);
        }
      },
    });
  }
  registerInvoicePreviewAction({
    actionsRegistry: deps.actionsRegistry,
    permissions: deps.permissions,
    invoiceRuns,
  });
  return { invoiceStore, invoiceRuns };
}
