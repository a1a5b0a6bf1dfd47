import Decimal from 'decimal.js';
import type { UsageRecord } from '../database/UsageLedgerStore';

/**
 * Exact decimal arithmetic for money. decimal.js rounds results to
 * `precision` significant digits (20 by default), which a large sum of
 * many-decimal prices could exceed; additions and multiplications with this
 * precision never round.
 */
export const Money = Decimal.clone({
  precision: 1000,
  toExpNeg: -1000,
  toExpPos: 1000,
});

/** What a set of new requests adds to one rollup (location, customer, model, UTC day). */
export interface RollupDelta {
  /** '' for requests without a customer. */
  customerId: string;
  model: string;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  /** USD at each request's snapshotted price, exact. */
  cost: Decimal;
  /** Some of the requests had no price (they add 0 to cost). */
  unpriced: boolean;
}

/** The rollup key of a record. */
export const rollupKey = (customerId: string, model: string, day: string) =>
  `${customerId}\u0000${model}\u0000${day}`;

/**
 * Sums records (of one location) per rollup key, with each record's cost at
 * its own snapshotted price: tokens are summed as integers per (key, prices)
 * first, so the exact decimal work is one multiplication per price group.
 * Sorted by key, so concurrent writers lock rollup rows in the same order. Pure.
 */
export function toRollupDeltas(records: readonly UsageRecord[]): RollupDelta[] {
  const groups = new Map<
    string,
    {
      key: string;
      customerId: string;
      model: string;
      day: string;
      promptPrice: string | null;
      completionPrice: string | null;
      requests: number;
      promptTokens: number;
      completionTokens: number;
    }
  >();
  for (const r of records) {
    const customerId = r.customerId ?? '';
    const day = r.occurredAt.slice(0, 10);
    const key = rollupKey(customerId, r.model, day);
    const groupKey = `${key}\u0000${r.promptPrice ?? ''}\u0000${
      r.completionPrice ?? ''
    }`;
    let group = groups.get(groupKey);
    if (!group) {
      group = {
        key,
        customerId,
        model: r.model,
        day,
        promptPrice: r.promptPrice,
        completionPrice: r.completionPrice,
        requests: 0,
        promptTokens: 0,
        completionTokens: 0,
      };
      groups.set(groupKey, group);
    }
    group.requests += 1;
    group.promptTokens += r.promptTokens;
    group.completionTokens += r.completionTokens;
  }

  const deltas = new Map<string, RollupDelta>();
  for (const g of groups.values()) {
    let delta = deltas.get(g.key);
    if (!delta) {
      delta = {
        customerId: g.customerId,
        model: g.model,
        day: g.day,
        requests: 0,
        promptTokens: 0,
        completionTokens: 0,
        cost: new Money(0),
        unpriced: false,
      };
      deltas.set(g.key, delta);
    }
    delta.requests += g.requests;
    delta.promptTokens += g.promptTokens;
    delta.completionTokens += g.completionTokens;
    if (g.promptPrice === null || g.completionPrice === null) {
      delta.unpriced = true;
    } else {
      delta.cost = delta.cost
        .plus(new Money(g.promptPrice).times(g.promptTokens))
        .plus(new Money(g.completionPrice).times(g.completionTokens));
    }
  }
  return [...deltas.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1)) // keys are unique
    .map(([, delta]) => delta);
}
