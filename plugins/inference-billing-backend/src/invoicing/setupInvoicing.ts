import type {
  AuditorService,
  DatabaseService,
  LoggerService,
  PermissionsService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import type { InferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import { InvoiceStore } from '../database/InvoiceStore';
import type { UsageLedgerStore } from '../database/UsageLedgerStore';
import { InvoiceRunService } from './InvoiceRunService';
import { registerInvoicePreviewAction } from './previewAction';

/** The cron of a location's monthly run: 00:00 UTC on its invoice day. */
export function invoicingCron(invoiceDay: number): string {
  return `0 0 ${invoiceDay} * *`;
}

/**
 * Invoicing: the store (its tables come with the ledger's migrations), the
 * run service, a global scheduled task `invoicing:<location>` per location
 * with Odoo (00:00 UTC on `billing.invoiceDay`, billing the previous month
 * with dry_run=none) and the read-only preview action.
 */
export async function setupInvoicing(deps: {
  database: DatabaseService;
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
  const invoiceStore = new InvoiceStore(await deps.database.getClient());
  const invoiceRuns = new InvoiceRunService({
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
          deps.logger.error(
            `location ${location.name}: monthly invoice run ${run.id} failed: ${run.error}`,
          );
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
