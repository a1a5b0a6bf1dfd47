import type { UsageTotal } from '@internal/backstage-plugin-inference-billing-common';
import type { Knex } from 'knex';
import { Money } from '../../mapping/toRollupDeltas';
import type { DailyRollup } from '../ledgerTypes';

/** A cost as the ledger returns it: an exact decimal string. */
export const normalizeCost = (cost: string | number | null | undefined) =>
  new Money(cost ?? 0).toFixed();

export interface DailyRollupsQuery {
  location: string;
  /** YYYY-MM-DD, inclusive. */
  from: string;
  /** YYYY-MM-DD, exclusive. */
  to: string;
  customerId?: string;
}

/** Rollups of a location for days in [from, to), optionally one customer. */
export async function readDailyRollups(
  db: Knex,
  options: DailyRollupsQuery,
): Promise<DailyRollup[]> {
  const query = db('usage_daily')
    .where('location', options.location)
    .andWhere('day', '>=', options.from)
    .andWhere('day', '<', options.to)
    .orderBy(['day', 'customer_id', 'model']);
  if (options.customerId !== undefined) {
    query.andWhere('customer_id', options.customerId);
  }
  const rows = await query;
  return rows.map(r => ({
    location: r.location,
    customerId: r.customer_id === '' ? null : r.customer_id,
    model: r.model,
    day: r.day,
    requests: Number(r.requests),
    promptTokens: Number(r.prompt_tokens),
    completionTokens: Number(r.completion_tokens),
    cost: normalizeCost(r.cost),
    unpriced: Boolean(r.unpriced),
  }));
}

export interface UsageTotalsQuery {
  location?: string;
  from: string;
  to: string;
  /** '' = requests without a customer. */
  customerId?: string;
}

/**
 * Totals per (location, customer, model) of the rollups for days in
 * [from, to) (YYYY-MM-DD), optionally of one location and/or one customer
 * ('' = requests without a customer). Costs are summed exactly: by
 * PostgreSQL's numeric SUM, on SQLite by decimal.js over the text values.
 */
export async function readUsageTotals(
  db: Knex,
  options: UsageTotalsQuery,
): Promise<UsageTotal[]> {
  const postgres = db.client.dialect === 'postgresql';
  const query = db('usage_daily')
    .where('day', '>=', options.from)
    .andWhere('day', '<', options.to)
    .groupBy('location', 'customer_id', 'model')
    .orderBy(['location', 'customer_id', 'model'])
    .select('location', 'customer_id', 'model')
    .sum({
      requests: 'requests',
      prompt_tokens: 'prompt_tokens',
      completion_tokens: 'completion_tokens',
    });
  if (options.location !== undefined) {
    query.andWhere('location', options.location);
  }
  if (options.customerId !== undefined) {
    query.andWhere('customer_id', options.customerId);
  }
  if (postgres) {
    query.select(
      db.raw('SUM(cost)::text AS cost'),
      db.raw('BOOL_OR(unpriced) AS unpriced'),
    );
  } else {
    // SUM over text would be a binary double: collect the exact strings.
    query.select(
      db.raw("GROUP_CONCAT(cost, ',') AS cost"),
      db.raw('MAX(unpriced) AS unpriced'),
    );
  }
  const rows = await query;
  return rows.map((r: any) => ({
    location: r.location,
    customerId: r.customer_id === '' ? null : r.customer_id,
    model: r.model,
    requests: Number(r.requests),
    promptTokens: Number(r.prompt_tokens),
    completionTokens: Number(r.completion_tokens),
    cost: postgres
      ? normalizeCost(r.cost)
      : String(r.cost ?? '0')
          .split(',')
          .reduce((sum, c) => sum.plus(new Money(c || 0)), new Money(0))
          .toFixed(),
    unpriced: Boolean(r.unpriced),
  }));
}
