import type { OnboardingRequest } from '../../api/types';

const byColumn: Record<
  string,
  (a: OnboardingRequest, b: OnboardingRequest) => number
> = {
  company: (a, b) => a.companyName.localeCompare(b.companyName, 'en-US'),
  status: (a, b) => a.status.localeCompare(b.status),
  requested: (a, b) => a.createdAt.localeCompare(b.createdAt),
  decided: (a, b) => (a.decidedAt ?? '').localeCompare(b.decidedAt ?? ''),
};

/** The columns the requests table can be sorted by. */
export const REQUEST_SORTS = Object.keys(byColumn);

/**
 * The requests a view shows, in its order. The backend lists at most the
 * 200 newest requests, so they are searched, filtered and sorted here;
 * without a sort they stay newest first, as listed.
 */
export function selectRequests(
  requests: ReadonlyArray<OnboardingRequest>,
  view: {
    search: string;
    location?: string;
    status?: string;
    sort: { column: string; order: 'asc' | 'desc' } | null;
  },
): OnboardingRequest[] {
  const words = view.search
    .toLocaleLowerCase('en-US')
    .split(/\s+/)
    .filter(Boolean);
  const matches = (r: OnboardingRequest) => {
    const text = [
      r.companyName,
      r.contactEmail,
      r.vatId,
      r.country,
      r.requestedBy,
      r.decidedBy ?? '',
      r.id,
    ]
      .join(' ')
      .toLocaleLowerCase('en-US');
    return words.every(word => text.includes(word));
  };
  const selected = requests.filter(
    r =>
      (!view.location || r.locations.includes(view.location)) &&
      (!view.status || r.status === view.status) &&
      matches(r),
  );
  const compare = view.sort && byColumn[view.sort.column];
  if (!compare) return selected;
  const sign = view.sort?.order === 'desc' ? -1 : 1;
  return selected.sort((a, b) => sign * compare(a, b));
}
