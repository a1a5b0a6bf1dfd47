/*
 * Raw-event queries on the invoicing data set: a customer's drill-down (its
 * requests over a half-open time range, newest first, one page) and its usage
 * over 30 days per model, both on usage_records through the
 * (location, customer_id, occurred_at) index; and the usage API's rollup
 * query for the same customer and days. Target: <= 100 ms each.
 */
import type { UsageLedgerStore } from '@internal/backstage-plugin-inference-billing-backend/src/database/UsageLedgerStore';
import type { Knex } from 'knex';
import { figure } from './util';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function timed(fn: () => Promise<unknown>, times = 5): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = process.hrtime.bigint();
    await fn();
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(ms);
}

/** The plan nodes of EXPLAIN that read the table (index or sequential scans). */
async function planNodes(
  knex: Knex,
  sql: string,
  bindings: unknown[],
): Promise<string> {
  const rows: Array<{ 'QUERY PLAN': string }> = (
    await knex.raw(`EXPLAIN ${sql}`, bindings as any)
  ).rows;
  return rows
    .map(r => r['QUERY PLAN'].trim().replace(/^->\s*/, ''))
    .filter(l => /Scan/.test(l))
    .map(l => l.replace(/\s+\(cost=.*$/, ''))
    .join('; ');
}

export async function rawQueries(
  knex: Knex,
  ledger: UsageLedgerStore,
  location: string,
  customers: number,
) {
  const customer = `cust-${String(Math.floor(customers / 2)).padStart(5, '0')}`;
  const from = '2026-10-01T00:00:00.000Z';
  const to = '2026-10-31T00:00:00.000Z'; // 30 days, end exclusive

  const drillDown = `SELECT request_id, occurred_at, model, prompt_tokens, completion_tokens, prompt_price, completion_price
    FROM usage_records
    WHERE location = ? AND customer_id = ? AND occurred_at >= ? AND occurred_at < ?
    ORDER BY occurred_at DESC LIMIT 100`;
  const perModel = `SELECT model, COUNT(*) AS requests, SUM(prompt_tokens) AS prompt_tokens,
      SUM(completion_tokens) AS completion_tokens,
      SUM(prompt_tokens * prompt_price::numeric + completion_tokens * completion_price::numeric)::text AS cost
    FROM usage_records
    WHERE location = ? AND customer_id = ? AND occurred_at >= ? AND occurred_at < ?
    GROUP BY model`;
  const bindings = [location, customer, from, to];

  const [{ n }] = (
    await knex.raw(
      'SELECT COUNT(*)::int AS n FROM usage_records WHERE location = ? AND customer_id = ? AND occurred_at >= ? AND occurred_at < ?',
      bindings,
    )
  ).rows;
  figure('raw queries: customer, 30 days', `${customer}, ${n} events`);
  figure(
    'customer drill-down, 100 newest (target <= 100 ms)',
    `${(await timed(() => knex.raw(drillDown, bindings))).toFixed(1)} ms`,
  );
  figure('  plan', await planNodes(knex, drillDown, bindings));
  figure(
    'usage over 30 days per model, raw (target <= 100 ms)',
    `${(await timed(() => knex.raw(perModel, bindings))).toFixed(1)} ms`,
  );
  figure('  plan', await planNodes(knex, perModel, bindings));
  figure(
    'usage API (rollups) over 30 days, one customer',
    `${(
      await timed(() =>
        ledger.usageTotals({
          location,
          customerId: customer,
          from: '2026-10-01',
          to: '2026-10-31',
        }),
      )
    ).toFixed(1)} ms`,
  );
}
