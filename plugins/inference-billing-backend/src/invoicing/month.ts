import { InputError } from '@backstage/errors';

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

/** Parses `date` (ISO 8601 date or date-time); throws InputError naming `date`. */
export function parseRunDate(date: string | undefined, now: Date): Date {
  if (date === undefined || date === '') return now;
  if (!/^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(date)) {
    throw new InputError(
      `date must be an ISO 8601 date such as 2026-11-02, got '${date}'`,
    );
  }
  const ms = Date.parse(date.length === 10 ? `${date}T00:00:00Z` : date);
  if (Number.isNaN(ms)) {
    throw new InputError(`date is not a valid date: '${date}'`);
  }
  return new Date(ms);
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
