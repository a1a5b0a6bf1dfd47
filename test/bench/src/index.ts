/*
 * `./portal bench [name...]`: runs the benchmarks (all by default) and prints
 * their figures. Never part of `./portal test`.
 */
import { consoleBench } from './console';
import { invoicing } from './invoicing';
import { ledgerIngestion } from './ledgerIngestion';
import { modelsHttp } from './modelsHttp';
import { modelsList } from './modelsList';
import { providerRefresh } from './providerRefresh';

const benchmarks: Record<string, () => Promise<void>> = {
  'ledger-ingestion': () =>
    ledgerIngestion(
      Number(process.env.BENCH_EVENTS ?? 1_000_000),
      Number(process.env.BENCH_ROUNDS ?? 3),
    ),
  'models-list': () => modelsList(3, 1000, 50, 4),
  invoicing: () => invoicing(Number(process.env.BENCH_EVENTS ?? 10_000_000)),
  'models-http': () => modelsHttp(3, 1000, 50, 10),
  'provider-refresh': () => providerRefresh(3, 1000),
  console: () =>
    consoleBench({
      locations: 3,
      models: 1000,
      customers: 1000,
      runs: Number(process.env.BENCH_RUNS ?? 10),
    }),
};

async function main() {
  const selected = process.argv.slice(2).filter(a => a !== '--');
  const names = selected.length ? selected : Object.keys(benchmarks);
  for (const name of names) {
    const run = benchmarks[name];
    if (!run) {
      throw new Error(
        `unknown benchmark '${name}' (known: ${Object.keys(benchmarks).join(
          ', ',
        )})`,
      );
    }
    process.stdout.write(`\n== ${name} ==\n`);
    await run();
  }
}

main().then(
  () => process.exit(0),
  error => {
    process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
    process.exit(1);
  },
);
