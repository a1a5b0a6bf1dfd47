import type { SortDescriptor } from '@backstage/ui';
import type { LocationTablePage, LocationTableQuery } from './useLocationPage';
import { readListView } from './useUrlListState';

/**
 * A list's first page, asked for before its table exists (by the page's
 * extension when the app opens on the page, or by its route when it starts
 * loading the page's code), so that the request travels while the app
 * renders its shell and the page rather than after: a table asks in an
 * effect, once it is on screen. The table takes the answer if it asks for
 * the same query within `KEEP_MS`; otherwise it is dropped.
 */
const KEEP_MS = 10_000;

type Query = Omit<LocationTableQuery<string>, 'signal'>;

const prefetched = new Map<
  string,
  {
    key: string;
    at: number;
    page: Promise<LocationTablePage<unknown>>;
    /** The answer, once it has come. */
    value?: LocationTablePage<unknown>;
  }
>();

/** What the backend's answer to a list query depends on, as one string. */
export function listQueryKey(query: Query): string {
  const filters = Object.entries(query.filters)
    .filter(([, value]) => value)
    .sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([
    query.search.trim(),
    filters,
    query.sort,
    query.limit,
    query.offset,
  ]);
}

/**
 * Starts loading the first page of list `list` for the view in the URL
 * (`location.search`, read as `useUrlListState` reads it).
 */
export function prefetchListPage<T, F extends string>(options: {
  list: string;
  filters: readonly F[];
  pageSize: number;
  defaultSort?: SortDescriptor;
  load(query: LocationTableQuery<F>): Promise<LocationTablePage<T>>;
  search?: string;
}): void {
  const search =
    options.search ??
    (typeof window === 'undefined' ? undefined : window.location.search);
  if (search === undefined) return;
  const view = readListView(
    new URLSearchParams(search),
    options.filters,
    options.defaultSort,
  );
  const query = {
    offset: 0,
    limit: options.pageSize,
    search: view.search.trim(),
    filters: view.filters,
    sort: view.sort && {
      column: String(view.sort.column),
      order:
        view.sort.direction === 'descending'
          ? ('desc' as const)
          : ('asc' as const),
    },
  };
  const key = listQueryKey(query);
  const earlier = prefetched.get(options.list);
  if (earlier && earlier.key === key && Date.now() - earlier.at <= KEEP_MS) {
    // Already on its way (the app opened on the page, then its route loaded).
    return;
  }
  const page = options.load({
    ...query,
    signal: new AbortController().signal,
  });
  const entry: {
    key: string;
    at: number;
    page: Promise<LocationTablePage<unknown>>;
    value?: LocationTablePage<unknown>;
  } = { key, at: Date.now(), page };
  // Nobody may take it: its failure is the table's to report, not the page's.
  page.then(
    value => {
      entry.value = value;
    },
    () => undefined,
  );
  prefetched.set(options.list, entry);
}

/**
 * The prefetched first page of `list` if it answers `query` and is recent;
 * given once.
 */
export function takePrefetchedPage<T>(
  list: string,
  query: Query,
): Promise<LocationTablePage<T>> | undefined {
  const entry = prefetched.get(list);
  if (!entry) return undefined;
  prefetched.delete(list);
  if (Date.now() - entry.at > KEEP_MS || entry.key !== listQueryKey(query)) {
    return undefined;
  }
  return entry.page as Promise<LocationTablePage<T>>;
}

/**
 * The prefetched first page of `list` if it has already answered `query`
 * (and is recent), for a table's first render; given once. A page still on
 * its way is left for `takePrefetchedPage`.
 */
export function takeSettledPrefetch<T>(
  list: string,
  query: Query,
): LocationTablePage<T> | undefined {
  const entry = prefetched.get(list);
  if (!entry?.value) return undefined;
  const page = takePrefetchedPage<T>(list, query);
  return page ? (entry.value as LocationTablePage<T>) : undefined;
}
