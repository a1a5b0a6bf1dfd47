import type { SortDescriptor } from '@backstage/ui';
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';

/** A list view's search, filters and sort, as the page's URL holds them. */
export interface UrlListState<F extends string> {
  search: string;
  setSearch(value: string): void;
  filters: Partial<Record<F, string>>;
  setFilters(value: Partial<Record<F, string>>): void;
  sort: SortDescriptor | null;
  setSort(value: SortDescriptor): void;
}

/**
 * A list view from a URL's parameters: `q`, the named filters (empty ones
 * left out) and `sort`/`order` (else the default sort).
 */
export function readListView<F extends string>(
  params: URLSearchParams,
  names: readonly F[],
  defaultSort?: SortDescriptor,
): Pick<UrlListState<F>, 'search' | 'filters' | 'sort'> {
  const filters: Partial<Record<F, string>> = {};
  for (const name of names) {
    const value = params.get(name);
    if (value) filters[name] = value;
  }
  return {
    search: params.get('q') ?? '',
    filters,
    sort: sortOf(params.get('sort'), params.get('order'), defaultSort),
  };
}

function sortOf(
  column: string | null,
  order: string | null,
  defaultSort?: SortDescriptor,
): SortDescriptor | null {
  if (!column) return defaultSort ?? null;
  return { column, direction: order === 'desc' ? 'descending' : 'ascending' };
}

function setOrDelete(next: URLSearchParams, key: string, value?: string) {
  if (value) next.set(key, value);
  else next.delete(key);
}

/**
 * Keeps a list view in the URL (`?q=...&location=pr&sort=name&order=desc`)
 * so that a filtered, sorted view can be bookmarked and shared, and coming
 * back to the page finds it as it was left. Changes replace the history
 * entry rather than adding one per keystroke. Unknown parameters are left
 * as they are.
 */
export function useUrlListState<F extends string>(options: {
  filters: readonly F[];
  defaultSort?: SortDescriptor;
}): UrlListState<F> {
  const [params, setParams] = useSearchParams();
  const { filters: names, defaultSort } = options;

  const update = useCallback(
    (change: (next: URLSearchParams) => void) =>
      setParams(
        current => {
          const next = new URLSearchParams(current);
          change(next);
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );

  const search = params.get('q') ?? '';
  const filterKey = names.map(n => params.get(n) ?? '').join('\u0000');
  const filters = useMemo(
    () => readListView(params, names).filters,
    // the values, not the URLSearchParams object, decide
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [filterKey],
  );

  const sortColumn = params.get('sort');
  const sortOrder = params.get('order');
  const sort = useMemo(
    () => sortOf(sortColumn, sortOrder, defaultSort),
    [sortColumn, sortOrder, defaultSort],
  );

  // Stable setters: tables reload when their query callbacks change.
  const setSearch = useCallback(
    (value: string) => update(next => setOrDelete(next, 'q', value)),
    [update],
  );
  const setFilters = useCallback(
    (value: Partial<Record<F, string>>) =>
      update(next => {
        for (const name of names) setOrDelete(next, name, value[name]);
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [update, names.join()],
  );
  const setSort = useCallback(
    (value: SortDescriptor) =>
      update(next => {
        next.set('sort', String(value.column));
        next.set('order', value.direction === 'descending' ? 'desc' : 'asc');
      }),
    [update],
  );

  return useMemo(
    () => ({ search, setSearch, filters, setFilters, sort, setSort }),
    [search, setSearch, filters, setFilters, sort, setSort],
  );
}
