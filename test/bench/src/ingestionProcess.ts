/*
 * The billing plugin's usage ingestion in a process of its own, with the
 * V8 flags the billing Deployment gives its backend (NODE_OPTIONS in
 * infra/kubernetes/base/billing.yaml): the heap limits shape garbage
 * collection, which is a good part of ingestion's CPU. Started by
 * `runIngestion()`; ingests a location twice (the second pull re-reads the
 * same window) into the given PostgreSQL database and prints one
 * `RESULT <json>` line.
 */
import type {
  DatabaseService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { ConfigInferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import { UsageLedgerStore } from '@internal/backstage-plugin-inference-billing-backend/src/database/UsageLedgerStore';
import { UsageIngestor } from '@internal/backstage-plugin-inference-billing-backend/src/services/UsageIngestor';
import { spawn } from 'node:child_process';
import { cpuSecondsOf, cpuSecondsOfCommand, memoryOf } from './backendProcess';
import { benchPostgres } from './util';

interface IngestionSpec {
  /** The app config of the locations (`inference.locations`). */
  config: object;
  location: string;
  database: string;
  /** The Bifrost emulator's process, whose CPU is read from /proc. */
  bifrostPid: number;
}

export interface IngestionResult {
  added: number;
  seconds: number;
  /** Rows the second pull of the same window added. */
  readded: number;
  /** CPU seconds during the first pull: this process, Bifrost, PostgreSQL. */
  cpu: { ingestor: number; bifrost: number; postgres: number };
  /** Peak resident set of the process, bytes. */
  peakRss: number;
}

export function runIngestion(
  spec: IngestionSpec,
  nodeOptions: string,
): Promise<IngestionResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', __filename], {
    env: {
      ...process.env,
      NODE_OPTIONS: nodeOptions,
      BENCH_INGESTION: JSON.stringify(spec),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', d => {
    out += d;
  });
  child.stderr!.on('data', d => {
    err += d;
  });
  return new Promise((resolve, reject) => {
    child.once('exit', code => {
      const match = /^RESULT (.*)$/m.exec(out);
      process.stderr.write(err);
      if (code === 0 && match) resolve(JSON.parse(match[1]));
      else reject(new Error(`ingestion exited ${code}: ${err}`));
    });
  });
}

async function main(spec: IngestionSpec) {
  const knex = benchPostgres(spec.database);
  try {
    const database: DatabaseService = { getClient: async () => knex };
    const store = await UsageLedgerStore.create(database);
    const quiet = {
      info() {},
      warn() {},
      error() {},
      debug() {},
      child: () => quiet,
    } as unknown as LoggerService;
    const ingestor = new UsageIngestor({
      locations: ConfigInferenceLocationsService.fromConfig(
        new ConfigReader(spec.config as any),
      ),
      store,
      logger: quiet,
    });
    const cpu = () => {
      const own = process.cpuUsage();
      return {
        ingestor: (own.user + own.system) / 1e6,
        bifrost: cpuSecondsOf(spec.bifrostPid),
        postgres: cpuSecondsOfCommand('postgres'),
      };
    };
    const cpu0 = cpu();
    const t0 = process.hrtime.bigint();
    const first = await ingestor.ingest(spec.location);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu1 = cpu();
    const second = await ingestor.ingest(spec.location);
    const result: IngestionResult = {
      added: first.added,
      seconds,
      readded: second.added,
      cpu: {
        ingestor: cpu1.ingestor - cpu0.ingestor,
        bifrost: cpu1.bifrost - cpu0.bifrost,
        postgres: cpu1.postgres - cpu0.postgres,
      },
      peakRss: memoryOf(process.pid).peak,
    };
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  } finally {
    await knex.destroy();
  }
}

if (process.env.BENCH_INGESTION) {
  main(JSON.parse(process.env.BENCH_INGESTION)).then(
    () => process.exit(0),
    error => {
      process.stderr.write(`${error?.stack ?? error}\n`);
      process.exit(1);
    },
  );
}
