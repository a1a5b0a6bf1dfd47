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
  /** Some of the requests had tokens but no price (they add 0 to cost). */
  unpriced: boolean;
}

/** The rollup key of a record. */
export const rollupKey = (customerId: string, model: string, day: string) =>
  `${customerId}\u0000${model}\u0000${day}`;

/** Records of one rollup key that share one pair of prices. */
interface PriceGroup {
  promptPrice: string | null;
  completionPrice: string | null;
  requests: number;
  promptTokens: number;
  completionTokens: number;
}

/** The records of one rollup key, by price pair (usually one). */
interface Cell {
  customerId: string;
  model: string;
  day: string;
  groups: PriceGroup[];
}

/**
 * Sums records (of one location) per rollup key, with each record's cost at
 * its own snapshotted price: tokens are summed as integers per (key, prices)
 * first, so the exact decimal work is one multiplication per price group.
 * Records are grouped through maps by customer, model and day (no key string
 * is built per record: ingestion calls this for every record it stores).
 * Sorted by key, so concurrent writers lock rollup rows in the same order. Pure.
 */
export function toRollupDeltas(records: readonly UsageRecord[]): RollupDelta[] {
  const cells = new Map<string, Map<string, Map<string, Cell>>>();
  for (const r of records) {
    const customerId = r.customerId ?? '';
    let byModel = cells.get(customerId);
    if (!byModel) {
      byModel = new Map();
      cells.set(customerId, byModel);
    }
    let byDay = byModel.get(r.model);
    if (!byDay) {
      byDay = new Map();
      byModel.set(r.model, byDay);
    }
    const day = r.occurredAt.slice(0, 10);
    let cell = byDay.get(day);
    if (!cell) {
      cell = { customerId, model: r.model, day, groups: [] };
      byDay.set(day, cell);
    }
    let group: PriceGroup | undefined;
    for (const g of cell.groups) {
      if (
        g.promptPrice === r.promptPrice &&
        g.completionPrice === r.completionPrice
      ) {
        group = g;
        break;
      }
    }
    if (!group) {
      group = {
        promptPrice: r.promptPrice,
        completionPrice: r.completionPrice,
        requests: 0,
        promptTokens: 0,
        completionTokens: 0,
      };
      cell.groups.push(group);
    }
    group.requests += 1;
    group.promptTokens += r.promptTokens;
    group.completionTokens += r.completionTokens;
  }

  const deltas: Array<{ key: string; delta: RollupDelta }> = [];
  for (const byModel of cells.values()) {
    for (const byDay of byModel.values()) {
      for (const cell of byDay.values()) {
        const delta: RollupDelta = {
          customerId: cell.customerId,
          model: cell.model,
          day: cell.day,
          requests: 0,
          promptTokens: 0,
          completionTokens: 0,
          cost: new Money(0),
          unpriced: false,
        };
        for (const g of cell.groups) {
          delta.requests += g.requests;
          delta.promptTokens += g.promptTokens;
          delta.completionTokens += g.completionTokens;
          if (g.promptPrice === null || g.completionPrice === null) {
            // Requests with no tokens (errors, cache hits, a mistyped model
            // name) cost nothing at any price: only tokens without a price
            // would be billed at 0 and must block the invoice.
            if (g.promptTokens > 0 || g.completionTokens > 0) {
              delta.unpriced = true;
            }
          } else {
            delta.cost = delta.cost
              .plus(new Money(g.promptPrice).times(g.promptTokens))
              .plus(new Money(g.completionPrice).times(g.completionTokens));
          }
        }
        deltas.push({
          key: rollupKey(cell.customerId, cell.model, cell.day),
          delta,
        });
      }
    }
  }
  return deltas
    .sort((a, b) => (a.key < b.key ? -1 : 1)) // keys are unique
    .map(d => d.delta);
}
