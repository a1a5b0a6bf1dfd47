/*
 * Usage ledger ingestion from the Bifrost emulator, rollups included.
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
import { benchDatabase, figure } from './util';

export async function ledgerIngestion(events: number) {
  const sandbox = await startSandbox({ days: 1, modelReadyDelayMs: 0 });
  const db = await benchDatabase();
  try {
    const customers = sandbox.bifrost.customers();
    const models = [
      'qwen25-05b-instruct',
      'llama-31-8b-instruct',
      'gemma-2-9b-it',
      'nomic-embed-text',
    ];
    const start = Date.parse('2026-10-01T00:00:00Z');
    const logs = [];
    for (let i = 0; i < events; i++) {
      logs.push({
        id: `bench-${i}`,
        timestamp: new Date(
          start + Math.floor((i / events) * 30 * 86_400_000),
        ).toISOString(),
        provider: 'kubeai',
        model: models[i % models.length],
        status: 'success' as const,
        token_usage: {
          prompt_tokens: 100 + (i % 900),
          completion_tokens: 50 + (i % 300),
          total_tokens: 150 + (i % 900) + (i % 300),
        },
        customer_id: customers[i % customers.length].id,
      });
    }
    sandbox.bifrost.reset();
    sandbox.bifrost.addLogs(logs);

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
    await db.drop();
    await sandbox.close();
  }
}
