import { InputError } from '@backstage/errors';
import {
  parseDateParam,
  type InferenceLocationsService,
} from '@internal/backstage-plugin-inference-node';
import type {
  UsageResponse,
  UsageSummary,
} from '@internal/backstage-plugin-inference-billing-common';
import type { UsageLedgerStore } from '../database/UsageLedgerStore';
import type Decimal from 'decimal.js';
import { Money } from '../mapping/toRollupDeltas';

const DAY_MS = 86_400_000;
/** Longest range `/usage` answers, in days. */
export const MAX_USAGE_RANGE_DAYS = 366;

/**
 * An ISO 8601 date (`2026-10-01`, midnight UTC) or date-time (`Z` or an
 * offset; none means UTC) as epoch milliseconds, read as every billing route
 * reads dates (parseDateParam): InputError naming the parameter otherwise,
 * including for days that do not exist (2026-02-30) and dates outside
 * 2000-01-01..2100-12-31.
 */
export function parseIsoInstant(name: string, value: unknown): number {
  return parseDateParam(name, value);
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The UTC days [from, to) fully inside [start_date, end_date): a date-time
 * that is not midnight starts counting at the next day (start) or stops at
 * its own day (end); with date-only inputs the days are exactly the range.
 */
export function usageDays(query: {
  start_date?: unknown;
  end_date?: unknown;
}): {
  from: string;
  to: string;
} {
  const start = parseIsoInstant('start_date', query.start_date);
  const end = parseIsoInstant('end_date', query.end_date);
  if (end < start) {
    throw new InputError(
      `end_date must not be before start_date (the range is [start_date, end_date), end exclusive)`,
    );
  }
  if (end - start > MAX_USAGE_RANGE_DAYS * DAY_MS) {
    throw new InputError(
      `end_date must be at most ${MAX_USAGE_RANGE_DAYS} days after start_date`,
    );
  }
  const fromMs = Math.ceil(start / DAY_MS) * DAY_MS;
  const toMs = Math.max(fromMs, Math.floor(end / DAY_MS) * DAY_MS);
  return { from: dayOf(fromMs), to: dayOf(toMs) };
}

/** Usage totals from the ledger's daily rollups. */
export class UsageService {
  constructor(
    private readonly deps: {
      locations: InferenceLocationsService;
      store: UsageLedgerStore;
    },
  ) {}

  async totals(query: {
    location?: string;
    start_date?: unknown;
    end_date?: unknown;
    customer?: string;
  }): Promise<UsageResponse> {
    const { from, to } = usageDays(query);
    if (query.location !== undefined) {
      this.deps.locations.get(query.location);
    }
    const items = await this.deps.store.usageTotals({
      location: query.location,
      from,
      to,
      customerId: query.customer,
    });
    const totals: UsageSummary = {
      requests: 0,
      promptTokens: 0,
      completionTokens: 0,
      cost: '0',
    };
    let cost = new Money(0);
    for (const item of items) {
      totals.requests += item.requests;
      totals.promptTokens += item.promptTokens;
      totals.completionTokens += item.completionTokens;
      cost = cost.plus(item.cost);
    }
    totals.cost = cost.toFixed();
    return {
      start_date: from,
      end_date: to,
      ...(query.location !== undefined && { location: query.location }),
      ...(query.customer !== undefined && { customer: query.customer }),
      currency: 'USD',
      items,
      totals,
    };
  }

  /** Usage per customer of each location in the current UTC calendar month. */
  async thisMonth(
    location?: string,
    now = new Date(),
  ): Promise<Map<string, UsageSummary>> {
    const from = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
    const to = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
    const items = await this.deps.store.usageTotals({
      location,
      from: dayOf(from),
      to: dayOf(to),
    });
    const byCustomer = new Map<
      string,
      { summary: UsageSummary; cost: Decimal }
    >();
    for (const item of items) {
      if (item.customerId === null) continue;
      const key = `${item.location}\u0000${item.customerId}`;
      let entry = byCustomer.get(key);
      if (!entry) {
        entry = {
          summary: {
            requests: 0,
            promptTokens: 0,
            completionTokens: 0,
            cost: '0',
          },
          cost: new Money(0),
        };
        byCustomer.set(key, entry);
      }
      entry.summary.requests += item.requests;
      entry.summary.promptTokens += item.promptTokens;
      entry.summary.completionTokens += item.completionTokens;
      entry.cost = entry.cost.plus(item.cost);
    }
    return new Map(
      [...byCustomer].map(([key, { summary, cost }]) => [
        key,
        { ...summary, cost: cost.toFixed() },
      ]),
    );
  }
}
