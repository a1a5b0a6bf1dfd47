import type { InvoiceRunSummary } from '../../api/types';

/** The last complete calendar month (UTC), YYYY-MM. */
export function lastMonth(now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return d.toISOString().slice(0, 7);
}

/** The `date` of a run that bills `month` (YYYY-MM): the first day of the next month. */
export function billingDate(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
}

/**
 * Compares two non-negative exact decimal strings ("12.5" < "100.01")
 * without turning them into binary floats.
 */
export function compareDecimals(a: string, b: string): number {
  const [ai, af = ''] = a.split('.');
  const [bi, bf = ''] = b.split('.');
  const scale = Math.max(af.length, bf.length);
  const x = BigInt(ai + af.padEnd(scale, '0'));
  const y = BigInt(bi + bf.padEnd(scale, '0'));
  if (x === y) return 0;
  return x < y ? -1 : 1;
}

const byColumn: Record<
  string,
  (a: InvoiceRunSummary, b: InvoiceRunSummary) => number
> = {
  month: (a, b) => a.month.localeCompare(b.month),
  location: (a, b) => a.location.localeCompare(b.location),
  state: (a, b) => a.state.localeCompare(b.state),
  total: (a, b) => compareDecimals(a.total, b.total),
  started: (a, b) => a.startedAt.localeCompare(b.startedAt),
};

/** The columns the runs table can be sorted by. */
export const RUN_SORTS = Object.keys(byColumn);

/**
 * The runs a view shows, in its order. The backend lists at most the 100
 * newest runs of a location (or of all), so searching and sorting them
 * here is cheap; without a sort they stay newest first, as listed.
 */
export function selectRuns(
  runs: ReadonlyArray<InvoiceRunSummary>,
  view: {
    search: string;
    state?: string;
    sort: { column: string; order: 'asc' | 'desc' } | null;
  },
): InvoiceRunSummary[] {
  const words = view.search
    .toLocaleLowerCase('en-US')
    .split(/\s+/)
    .filter(Boolean);
  const matches = (run: InvoiceRunSummary) => {
    const text = [
      run.month,
      run.location,
      run.state,
      run.dryRun,
      run.id,
      run.triggeredBy,
      run.error ?? '',
    ]
      .join(' ')
      .toLocaleLowerCase('en-US');
    return words.every(word => text.includes(word));
  };
  const selected = runs.filter(
    run => (!view.state || run.state === view.state) && matches(run),
  );
  const compare = view.sort && byColumn[view.sort.column];
  if (!compare) return selected;
  const sign = view.sort?.order === 'desc' ? -1 : 1;
  // Ties keep the listed order (newest first): Array.prototype.sort is stable.
  return selected.sort((a, b) => sign * compare(a, b));
}
