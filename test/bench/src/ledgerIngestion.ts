/*
 * Usage ledger ingestion from the Bifrost emulator into PostgreSQL, rollups
 * included. Bifrost runs in a process of its own (it is another service),
 * and so does the ingestion, with the billing Deployment's V8 flags.
 * Target: >= 50,000 events/s; re-ingesting the same window adds
 * 0 rows. The machine's speed varies from run to run, so the ingestion runs
 * `rounds` times, each into a fresh database, and the median is the figure.
 */
import { startSandbox } from '@internal/test-emulators';
import { startBifrostProcess } from './bifrostProcess';
import { billingNodeOptions } from './invoicing';
import { runIngestion, type IngestionResult } from './ingestionProcess';
import { benchDatabase, figure, mib } from './util';

export async function ledgerIngestion(events: number, rounds: number) {
  const sandbox = await startSandbox({ days: 1, modelReadyDelayMs: 0 });
  let stopBifrost = async () => {};
  try {
    // The sandbox's Kubernetes emulator gives the Models' prices; the logs
    // come from a Bifrost emulator in a process of its own.
    const config = structuredClone(sandbox.config) as any;
    const location = config.inference.locations[0];
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
    const nodeOptions = billingNodeOptions();
    figure('ledger ingestion process NODE_OPTIONS', nodeOptions);

    const results: IngestionResult[] = [];
    for (let round = 1; round <= rounds; round++) {
      const db = await benchDatabase();
      try {
        if (!db.kind.startsWith('PostgreSQL')) {
          throw new Error(
            'the ledger ingestion benchmark needs PostgreSQL at 127.0.0.1:5432',
          );
        }
        const result = await runIngestion(
          {
            config,
            location: location.name,
            database: (db.knex.client.config.connection as any).database,
            bifrostPid: bifrost.child.pid!,
          },
          nodeOptions,
        );
        results.push(result);
        figure(
          `ledger ingestion round ${round}`,
          `${Math.round(result.added / result.seconds)} events/s (${
            result.added
          } of ${events} in ${result.seconds.toFixed(
            2,
          )} s); CPU s: ingestor ${result.cpu.ingestor.toFixed(
            2,
          )}, Bifrost ${result.cpu.bifrost.toFixed(
            2,
          )}, PostgreSQL ${result.cpu.postgres.toFixed(2)}; re-ingest adds ${
            result.readded
          }; peak RSS ${mib(result.peakRss)}`,
        );
      } finally {
        await db.drop();
      }
    }
    const rates = results.map(r => r.added / r.seconds).sort((a, b) => a - b);
    figure('ledger ingestion database', 'PostgreSQL 127.0.0.1:5432');
    figure(
      `ledger ingestion throughput, median of ${rounds} (target >= 50,000/s)`,
      `${Math.round(rates[rates.length >> 1])} events/s (lowest ${Math.round(
        rates[0],
      )}, highest ${Math.round(rates[rates.length - 1])})`,
    );
    figure(
      'ledger ingestion events stored per round',
      results.every(r => r.added === events)
        ? `all ${events}`
        : `NOT ALL: ${results.map(r => r.added).join(', ')} of ${events}`,
    );
    figure(
      'ledger re-ingestion of the same window adds',
      `${Math.max(...results.map(r => r.readded))} rows`,
    );
  } finally {
    await stopBifrost();
    await sandbox.close();
  }
}
