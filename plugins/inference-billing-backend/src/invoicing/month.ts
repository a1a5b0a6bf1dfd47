import { parseDateParam } from '@internal/backstage-plugin-inference-node';

/** The calendar month billed by a run on `date`: the one before it, in UTC. */
export interface BilledMonth {
  /** YYYY-MM. */
  month: string;
  /** First day of the month, YYYY-MM-DD (inclusive). */
  from: string;
  /** First day of the next month, YYYY-MM-DD (exclusive). */
  to: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Parses `date` as every billing route does (parseDateParam: calendar-valid,
 * 2000-01-01..2100-12-31); throws an InputError naming `date`.
 */
export function parseRunDate(date: string | undefined, now: Date): Date {
  if (date === undefined || date === '') return now;
  return new Date(parseDateParam('date', date));
}

/** The month before `date` (UTC). */
export function billedMonth(date: Date): BilledMonth {
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth(); // 0-based: the billed month is m - 1
  const start = new Date(Date.UTC(y, m - 1, 1));
  const end = new Date(Date.UTC(y, m, 1));
  const fmt = (d: Date) =>
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return {
    month: fmt(start).slice(0, 7),
    from: fmt(start),
    to: fmt(end),
  };
}
