/*
 * Usage ledger ingestion from the Bifrost emulator (in a process of its
 * own, as Bifrost is another service), rollups included.
 * Target (issue 4): >= 50,000 events/s into PostgreSQL; re-ingesting the same
 * window adds 0 rows.
 */
import type {
  DatabaseService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { ConfigInferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import { UsageLedgerStore } from '@internal/backstage-plugin-inference-billing-backend/src/database/UsageLedgerStore';
import { UsageIngestor } from '@internal/backstage-plugin-inference-billing-backend/src/services/UsageIngestor';
import { startSandbox } from '@internal/test-emulators';
import { startBifrostProcess } from './bifrostProcess';
import { benchDatabase, figure } from './util';

export async function ledgerIngestion(events: number) {
  const sandbox = await startSandbox({ days: 1, modelReadyDelayMs: 0 });
  const db = await benchDatabase();
  let stopBifrost = async () => {};
  try {
    // The sandbox's Kubernetes emulator gives the Models' prices; the logs
    // come from a Bifrost emulator in a process of its own.
    const location = (sandbox.config.inference as any).locations[0];
    const bifrost = await startBifrostProcess({
      events,
      customers: sandbox.bifrost.customers().map(c => c.id),
      models: [
        'qwen25-05b-instruct',
        'llama-31-8b-instruct',
        'gemma-2-9b-it',
        'nomic-embed-text',
      ],
      adminUsername: location.bifrost.adminUsername,
      adminPassword: location.bifrost.adminPassword,
    });
    stopBifrost = bifrost.stop;
    location.bifrost.baseUrl = bifrost.url;

    const database: DatabaseService = { getClient: async () => db.knex };
    const store = await UsageLedgerStore.create(database);
    const quiet = {
      info() {},
      warn() {},
      error() {},
      debug() {},
      child: () => quiet,
    } as unknown as LoggerService;
    const config = new ConfigReader(sandbox.config as any);
    const ingestor = new UsageIngestor({
      locations: ConfigInferenceLocationsService.fromConfig(config),
      store,
      logger: quiet,
      pageSize: 1000,
    });
    const t0 = process.hrtime.bigint();
    const first = await ingestor.ingest('local');
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const second = await ingestor.ingest('local');
    figure(`ledger ingestion database`, db.kind);
    figure(`ledger ingestion events`, `${first.added} of ${events}`);
    figure(
      `ledger ingestion throughput (target >= 50,000/s)`,
      `${Math.round(first.added / seconds)} events/s (${seconds.toFixed(2)} s)`,
    );
    figure(
      `ledger re-ingestion of the same window adds`,
      `${second.added} rows`,
    );
  } finally {
    await stopBifrost();
    await db.drop();
    await sandbox.close();
  }
}
