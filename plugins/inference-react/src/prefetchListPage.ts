import type { SortDescriptor } from '@backstage/ui';
import type { LocationTablePage, LocationTableQuery } from './useLocationPage';
import { askEarly, takeEarlyAnswer } from './earlyAnswer';
import { LIST_PAGE_SIZE } from './listPageSize';
import { appOpenedAt } from './preloadPage';
import { readListView } from './useUrlListState';

type Query = Omit<LocationTableQuery<string>, 'signal'>;

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
 * (`location.search`, read as `useUrlListState` reads it), for a
 * `LocationTable` with `prefetchedAs={list}` to take (see `askEarly`).
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
  askEarly(options.list, listQueryKey(query), () =>
    options.load({ ...query, signal: new AbortController().signal }),
  );
}

/**
 * A list page's early ask, for its page extension to call from its factory
 * (the app opened on the page: the request waits for the sign-in) and from
 * its route's loader (an in-app visit). It asks only when the browser is at
 * the list's own path, not at a page beneath it, and the API is there.
 */
export function listPagePrefetcher<A, T, F extends string>(options: {
  path: string;
  list: string;
  filters: readonly F[];
  api(): A | undefined;
  loader(
    api: A,
  ): (query: LocationTableQuery<F>) => Promise<LocationTablePage<T>>;
}): () => void {
  return () => {
    if (!appOpenedAt(options.path)) return;
    const api = options.api();
    if (!api) return;
    prefetchListPage({
      list: options.list,
      filters: options.filters,
      pageSize: LIST_PAGE_SIZE,
      load: options.loader(api),
    });
  };
}

/**
 * The prefetched first page of `list` if it answers `query` and is recent;
 * given once.
 */
export function takePrefetchedPage<T>(
  list: string,
  query: Query,
): Promise<LocationTablePage<T>> | undefined {
  return takeEarlyAnswer<LocationTablePage<T>>(list, listQueryKey(query))
    ?.answer;
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
  return takeEarlyAnswer<LocationTablePage<T>>(list, listQueryKey(query), {
    settledOnly: true,
  })?.value?.ok;
}
