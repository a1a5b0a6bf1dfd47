/*
 * `./portal bench [name...]`: runs the benchmarks (all by default) and prints
 * their figures. Never part of `./portal test`.
 */
// Each benchmark loads only its own code: several measure this process's
// memory, which a module of another benchmark (Chromium's driver, the
// console's data seeding) would inflate.
const benchmarks: Record<string, () => Promise<void>> = {
  'ledger-ingestion': async () =>
    (await import('./ledgerIngestion')).ledgerIngestion(
      Number(process.env.BENCH_EVENTS ?? 1_000_000),
      Number(process.env.BENCH_ROUNDS ?? 3),
    ),
  'models-list': async () =>
    (await import('./modelsList')).modelsList(3, 1000, 50, 4),
  invoicing: async () =>
    (await import('./invoicing')).invoicing(
      Number(process.env.BENCH_EVENTS ?? 10_000_000),
    ),
  'models-http': async () =>
    (await import('./modelsHttp')).modelsHttp(3, 1000, 50, 10),
  'provider-refresh': async () =>
    (await import('./providerRefresh')).providerRefresh(3, 1000),
  console: async () =>
    (await import('./console')).consoleBench({
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
