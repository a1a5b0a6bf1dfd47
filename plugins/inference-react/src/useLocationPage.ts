import type { SortDescriptor } from '@backstage/ui';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { LocationError } from '@internal/backstage-plugin-inference-common';
import { takePrefetchedPage, takeSettledPrefetch } from './prefetchListPage';

/** What a page of a cross-location list is asked for. */
export interface LocationTableQuery<F extends string> {
  offset: number;
  limit: number;
  search: string;
  filters: Partial<Record<F, string>>;
  sort: { column: string; order: 'asc' | 'desc' } | null;
  signal: AbortSignal;
}

/** One page of a cross-location list, as the backends answer. */
export interface LocationTablePage<T> {
  items: T[];
  errors: LocationError[];
  total: number;
}

/** How long a request may take before the rows on screen are marked stale. */
const STALE_AFTER_MS = 150;

const toSort = (d: SortDescriptor | null) =>
  d
    ? {
        column: String(d.column),
        order:
          d.direction === 'descending' ? ('desc' as const) : ('asc' as const),
      }
    : null;

export interface LocationPageState<T> {
  /** The newest page answered; kept on screen while the next one loads. */
  page?: LocationTablePage<T>;
  /** Whether that page answered a search or a filter (its count "matches"). */
  pageFiltered: boolean;
  error?: Error;
  isPending: boolean;
  offset: number;
  pageSize: number;
  setOffset(offset: number): void;
  setPageSize(size: number): void;
  reload(): void;
}

/**
 * Loads one page of a list for the current query, at once on every change:
 * the request for the previous query is aborted rather than waited for, so
 * a keystroke costs one backend round trip and no debounce (`useTable`'s
 * offset mode waits 200 ms before it asks). A new search, filter, sort or
 * page size starts again at the first page.
 */
export function useLocationPage<T, F extends string>(options: {
  load(query: LocationTableQuery<F>): Promise<LocationTablePage<T>>;
  search: string;
  filters: Partial<Record<F, string>>;
  sort: SortDescriptor | null;
  initialPageSize: number;
  /** The list's name for `prefetchListPage`: its first page may be on its way. */
  prefetchedAs?: string;
}): LocationPageState<T> {
  const [pageSize, setPageSize] = useState(options.initialPageSize);
  const [offset, setOffset] = useState(0);
  const [reloads, setReloads] = useState(0);
  const search = options.search.trim();
  const [state, setState] = useState<{
    page?: LocationTablePage<T>;
    pageFiltered: boolean;
    error?: Error;
    isPending: boolean;
  }>(() => {
    // A prefetched first page already answered: the first render shows it.
    const early = options.prefetchedAs
      ? takeSettledPrefetch<T>(options.prefetchedAs, {
          offset: 0,
          limit: options.initialPageSize,
          search,
          filters: options.filters,
          sort: toSort(options.sort),
        })
      : undefined;
    return early
      ? {
          page: early,
          pageFiltered: Boolean(
            search || Object.values(options.filters).some(Boolean),
          ),
          isPending: false,
        }
      : { isPending: true, pageFiltered: false };
  });
  const shownAtMount = useRef(state.page !== undefined);

  const queryKey = JSON.stringify([
    search,
    options.filters,
    options.sort,
    pageSize,
  ]);
  const lastQueryKey = useRef(queryKey);
  const queryChanged = lastQueryKey.current !== queryKey;
  const effectiveOffset = queryChanged ? 0 : offset;

  // The newest `load`, so that a caller's inline function does not refetch.
  const loadRef = useRef(options.load);
  loadRef.current = options.load;
  const latest = useRef({
    filters: options.filters,
    sort: options.sort,
    prefetchedAs: options.prefetchedAs,
  });
  latest.current = {
    filters: options.filters,
    sort: options.sort,
    prefetchedAs: options.prefetchedAs,
  };

  useEffect(() => {
    if (lastQueryKey.current !== queryKey) {
      lastQueryKey.current = queryKey;
      setOffset(0);
    }
    if (shownAtMount.current) {
      // The first page came with the first render.
      shownAtMount.current = false;
      return undefined;
    }
    const controller = new AbortController();
    const { filters, sort, prefetchedAs } = latest.current;
    const filtered = Boolean(search || Object.values(filters).some(Boolean));
    // Rows answered within a moment are swapped in place; only a slower
    // answer marks the rows on screen as stale, which is a render of its own.
    const stale = setTimeout(
      () => setState(s => (s.isPending ? s : { ...s, isPending: true })),
      STALE_AFTER_MS,
    );
    const query = {
      offset: effectiveOffset,
      limit: pageSize,
      search,
      filters,
      sort: toSort(sort),
    };
    const prefetched = prefetchedAs
      ? takePrefetchedPage<T>(prefetchedAs, query)
      : undefined;
    (prefetched ?? loadRef.current({ ...query, signal: controller.signal }))
      .then(page => {
        clearTimeout(stale);
        if (!controller.signal.aborted) {
          setState({ page, pageFiltered: filtered, isPending: false });
        }
      })
      .catch((error: Error) => {
        clearTimeout(stale);
        if (!controller.signal.aborted) {
          setState(s => ({ ...s, error, isPending: false }));
        }
      });
    return () => {
      clearTimeout(stale);
      controller.abort();
    };
    // the query's key stands for search, filters, sort and page size
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [queryKey, effectiveOffset, reloads]);

  const reload = useCallback(() => setReloads(n => n + 1), []);
  return {
    ...state,
    offset: effectiveOffset,
    pageSize,
    setOffset,
    setPageSize,
    reload,
  };
}
