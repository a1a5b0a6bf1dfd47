import type { InferenceBillingApiSchemas } from '@internal/backstage-plugin-inference-billing-common';
import { Money } from './toRollupDeltas';

type Schemas = InferenceBillingApiSchemas['schemas'];
export type UsageComparison = Schemas['UsageComparison'];
type UsageDay = Schemas['UsageDay'];

/** One UTC day's usage of a location, summed over customers and models. */
export interface DayTotal {
  day: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  /** Exact decimal string. */
  cost: string;
}

const DAY_MS = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The days compared on `now`'s UTC day: this month from its 1st to today,
 * and last month from its 1st to the same day of the month (its last day
 * when it is shorter). `to` is inclusive. Pure.
 */
export function comparisonPeriods(now: Date): {
  thisMonth: { from: string; to: string };
  lastMonth: { from: string; to: string };
} {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  const day = now.getUTCDate();
  const lastMonthDays = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return {
    thisMonth: {
      from: dayOf(Date.UTC(year, month, 1)),
      to: dayOf(Date.UTC(year, month, day)),
    },
    lastMonth: {
      from: dayOf(Date.UTC(year, month - 1, 1)),
      to: dayOf(Date.UTC(year, month - 1, Math.min(day, lastMonthDays))),
    },
  };
}

/** The day after a YYYY-MM-DD day (for exclusive upper bounds). */
export function nextDay(day: string): string {
  return dayOf(Date.parse(`${day}T00:00:00Z`) + DAY_MS);
}

function series(
  from: string,
  to: string,
  byDay: Map<string, DayTotal>,
): UsageDay[] {
  const days: UsageDay[] = [];
  for (let day = from; day <= to; day = nextDay(day)) {
    const total = byDay.get(day);
    days.push({
      day,
      requests: total?.requests ?? 0,
      tokens: total ? total.promptTokens + total.completionTokens : 0,
      revenue: new Money(total?.cost ?? 0).toFixed(),
    });
  }
  return days;
}

function sum(days: UsageDay[], from: string, to: string) {
  let revenue = new Money(0);
  let requests = 0;
  let tokens = 0;
  for (const d of days) {
    requests += d.requests;
    tokens += d.tokens;
    revenue = revenue.plus(d.revenue);
  }
  return { from, to, requests, tokens, revenue: revenue.toFixed() };
}

/**
 * Requests, tokens and revenue of this month to date against the same days
 * of last month, with a value for every day (0 where nothing was used),
 * from the location's daily totals. Revenue is summed exactly. Pure.
 */
export function toUsageComparison(options: {
  now: Date;
  days: ReadonlyArray<DayTotal>;
  currency: string;
}): UsageComparison {
  const periods = comparisonPeriods(options.now);
  const byDay = new Map(options.days.map(d => [d.day, d]));
  const daily = series(periods.thisMonth.from, periods.thisMonth.to, byDay);
  const lastMonthDaily = series(
    periods.lastMonth.from,
    periods.lastMonth.to,
    byDay,
  );
  return {
    currency: options.currency,
    thisMonth: sum(daily, periods.thisMonth.from, periods.thisMonth.to),
    lastMonth: sum(
      lastMonthDaily,
      periods.lastMonth.from,
      periods.lastMonth.to,
    ),
    daily,
    lastMonthDaily,
  };
}
