/*
 * Invoice run (dry_run=all) over one month of usage, and the raw-event
 * queries, on one generated data set.
 * Targets (issue 4): on PostgreSQL, 10,000,000 events of 1,000 customers and
 * 20 models: the run's wall time <= 0.25 x the single SQL GROUP BY customer,
 * model over the raw events (same database, same run), its totals equal to
 * that query's exactly; raw-event queries (customer drill-down, usage over 30
 * days of one customer) <= 100 ms through an index, half-open ranges.
 */
import type { DatabaseService } from '@backstage/backend-plugin-api';
import { UsageLedgerStore } from '@internal/backstage-plugin-inference-billing-backend/src/database/UsageLedgerStore';
import { Money } from '@internal/backstage-plugin-inference-billing-backend/src/mapping/toRollupDeltas';
import type { Knex } from 'knex';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { rawQueries } from './rawQueries';
import { benchDatabase, figure, mib } from './util';

const LOCATION = 'bench';
const FROM = '2026-10-01T00:00:00.000Z';
const TO = '2026-11-01T00:00:00.000Z';
const MONTH_SECONDS = 31 * 86_400;

/**
 * `events` requests spread evenly over October 2026, customer `g % customers`,
 * model `(g / customers) % models`, prices per model with 8 decimals; then
 * the daily rollups, as ingestion would have left them. All in SQL.
 */
async function generate(
  knex: Knex,
  events: number,
  customers: number,
  models: number,
) {
  await knex.raw(
    'ALTER TABLE usage_records DROP CONSTRAINT usage_records_pkey',
  );
  await knex.raw('DROP INDEX usage_records_location_customer_time_idx');
  const chunk = 1_000_000;
  for (let start = 0; start < events; start += chunk) {
    const end = Math.min(events, start + chunk) - 1;
    await knex.raw(
      `INSERT INTO usage_records (location, request_id, occurred_at, day, customer_id,
         virtual_key_id, provider, model, status, prompt_tokens, completion_tokens,
         prompt_price, completion_price, ingested_at)
       SELECT ?, 'r' || g, to_char(ts, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), to_char(ts, 'YYYY-MM-DD'),
         'cust-' || lpad((g % ?)::text, 5, '0'), 'vk-' || (g % ?), 'kubeai',
         'model-' || lpad(((g / ?) % ?)::text, 2, '0'), 'success',
         100 + g % 900, 50 + g % 300,
         (0.00000137 * (1 + (g / ?) % ?))::numeric(20, 8)::text,
         (0.00000411 * (1 + (g / ?) % ?))::numeric(20, 8)::text,
         '2026-11-02T00:00:00.000Z'
       FROM generate_series(?::bigint, ?::bigint) AS g,
         LATERAL (SELECT timestamp '2026-10-01' + (g * ?::double precision / ?) * interval '1 second' AS ts) t`,
      [
        LOCATION,
        customers,
        customers,
        customers,
        models,
        customers,
        models,
        customers,
        models,
        start,
        end,
        MONTH_SECONDS,
        events,
      ],
    );
  }
  await knex.raw(
    'ALTER TABLE usage_records ADD CONSTRAINT usage_records_pkey PRIMARY KEY (location, request_id)',
  );
  await knex.raw(
    'CREATE INDEX usage_records_location_customer_time_idx ON usage_records (location, customer_id, occurred_at)',
  );
  await knex.raw(
    `INSERT INTO usage_daily (location, customer_id, model, day, requests, prompt_tokens,
       completion_tokens, cost, unpriced)
     SELECT location, customer_id, model, day, COUNT(*), SUM(prompt_tokens), SUM(completion_tokens),
       SUM(prompt_tokens * prompt_price::numeric + completion_tokens * completion_price::numeric), false
     FROM usage_records GROUP BY location, customer_id, model, day`,
  );
  await knex.raw(
    `INSERT INTO usage_ledger_marks (location, latest_occurred_at)
     SELECT location, MAX(occurred_at) FROM usage_records GROUP BY location`,
  );
  await knex.raw('VACUUM ANALYZE usage_records');
  await knex.raw('VACUUM ANALYZE usage_daily');
}

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

export async function invoicing(events: number, customers = 1000, models = 20) {
  const db = await benchDatabase();
  try {
    if (!db.kind.startsWith('PostgreSQL')) {
      throw new Error(
        'the invoicing benchmark needs PostgreSQL at 127.0.0.1:5432',
      );
    }
    const database: DatabaseService = { getClient: async () => db.knex };
    const ledger = await UsageLedgerStore.create(database);
    const t0 = process.hrtime.bigint();
    await generate(db.knex, events, customers, models);
    figure('invoicing database', db.kind);
    figure(
      'invoicing data set (generate_series + rollups)',
      `${events.toLocaleString(
        'en-US',
      )} events, ${customers} customers, ${models} models, ${seconds(
        t0,
      ).toFixed(0)} s`,
    );
    const [{ n: rollups }] = (
      await db.knex.raw('SELECT COUNT(*)::int AS n FROM usage_daily')
    ).rows;
    figure('invoicing daily rollup rows', String(rollups));

    // The single SQL GROUP BY over the raw events of the month.
    const baselineSql = `SELECT customer_id, model,
        SUM(prompt_tokens * prompt_price::numeric + completion_tokens * completion_price::numeric)::text AS cost
      FROM usage_records
      WHERE location = ? AND occurred_at >= ? AND occurred_at < ?
      GROUP BY customer_id, model`;
    let baselineRows: Array<{ customer_id: string; cost: string }> = [];
    const baselineTimes: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = process.hrtime.bigint();
      baselineRows = (await db.knex.raw(baselineSql, [LOCATION, FROM, TO]))
        .rows;
      baselineTimes.push(seconds(t));
    }

    // The runs in a process of their own: its peak RSS is the run's.
    const child = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(__dirname, 'invoiceRunProcess.ts'),
        LOCATION,
        '2026-11-02',
        '3',
      ],
      {
        env: {
          ...process.env,
          BENCH_DATABASE: (db.knex.client.config.connection as any).database,
        },
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    if (child.status !== 0) {
      throw new Error(`invoice run process failed: ${child.stderr}`);
    }
    const measured = JSON.parse(child.stdout.trim().split('\n').pop()!) as {
      times: number[];
      rssBefore: number;
      rssPeak: number;
      state: string;
      exactTotal: string;
      invoices: Array<[string, string]>;
    };
    const runTimes = measured.times;
    const run = {
      state: measured.state,
      exactTotal: measured.exactTotal,
      invoices: measured.invoices.map(([customerId, exactTotal]) => ({
        customerId,
        exactTotal,
      })),
    };

    const expected = new Map<string, InstanceType<typeof Money>>();
    let expectedTotal = new Money(0);
    for (const r of baselineRows) {
      const cost = new Money(r.cost);
      expected.set(
        r.customer_id,
        (expected.get(r.customer_id) ?? new Money(0)).plus(cost),
      );
      expectedTotal = expectedTotal.plus(cost);
    }
    const mismatches = run!.invoices.filter(
      i => !new Money(i.exactTotal).equals(expected.get(i.customerId) ?? -1),
    ).length;
    const equal =
      run!.state === 'succeeded' &&
      run!.invoices.length === expected.size &&
      mismatches === 0 &&
      new Money(run!.exactTotal).equals(expectedTotal);

    const base = median(baselineTimes);
    const inv = median(runTimes);
    figure(
      'raw GROUP BY customer, model (median of 3)',
      `${(base * 1000).toFixed(0)} ms (${baselineRows.length} groups)`,
    );
    figure(
      'invoice run dry_run=all (median of 3)',
      `${(inv * 1000).toFixed(0)} ms (${run!.invoices.length} invoices)`,
    );
    figure(
      'invoice run / raw GROUP BY (target <= 0.25)',
      `${(inv / base).toFixed(3)}`,
    );
    figure(
      'invoice totals equal the raw GROUP BY exactly',
      equal
        ? `yes (total ${expectedTotal.toFixed()})`
        : `NO (${mismatches} customers differ; run ${
            run!.exactTotal
          }, raw ${expectedTotal.toFixed()})`,
    );
    figure(
      'peak RSS of the invoice-run process (target <= 300 MB)',
      `${mib(measured.rssPeak)} (${mib(
        measured.rssBefore,
      )} before the first run)`,
    );

    await rawQueries(db.knex, ledger, LOCATION, customers);
  } finally {
    await db.drop();
  }
}
