/*
 * One process that does nothing but the invoice runs of the invoicing
 * benchmark, so that its peak RSS is that of the run (the benchmark's own
 * process also holds the data generator). Reads BENCH_DATABASE, prints one
 * JSON line: wall times, peak RSS and the run's exact totals.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import { InvoiceStore } from '@internal/backstage-plugin-inference-billing-backend/src/database/InvoiceStore';
import { UsageLedgerStore } from '@internal/backstage-plugin-inference-billing-backend/src/database/UsageLedgerStore';
import { InvoiceRunService } from '@internal/backstage-plugin-inference-billing-backend/src/invoicing/InvoiceRunService';
import type { InferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import knexFactory from 'knex';

async function main() {
  const [location, date, runs] = process.argv.slice(2);
  const knex = knexFactory({
    client: 'pg',
    connection: {
      host: '127.0.0.1',
      port: 5432,
      user: 'postgres',
      database: process.env.BENCH_DATABASE,
    },
  });
  const quiet = {
    info() {},
    warn() {},
    error() {},
    debug() {},
    child: () => quiet,
  } as unknown as LoggerService;
  const target = {
    name: location,
    title: 'Bench',
    countryCode: 'RO',
    billing: { currency: 'EUR', invoiceDay: 2 },
  };
  const locations = {
    list: () => [target],
    get: () => target,
  } as unknown as InferenceLocationsService;
  const service = new InvoiceRunService({
    locations,
    ledger: await UsageLedgerStore.create({ getClient: async () => knex }),
    store: new InvoiceStore(knex),
    logger: quiet,
  });
  const rssBefore = process.resourceUsage().maxRSS * 1024;
  const times: number[] = [];
  let run;
  for (let i = 0; i < Number(runs); i++) {
    const t = process.hrtime.bigint();
    run = await service.generate({
      location,
      date,
      dryRun: 'all',
      triggeredBy: 'bench',
    });
    times.push(Number(process.hrtime.bigint() - t) / 1e9);
  }
  process.stdout.write(
    `${JSON.stringify({
      times,
      rssBefore,
      rssPeak: process.resourceUsage().maxRSS * 1024,
      state: run!.state,
      exactTotal: run!.exactTotal,
      invoices: run!.invoices.map(i => [i.customerId, i.exactTotal]),
    })}\n`,
  );
  await knex.destroy();
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
