import { ResponseErrorPanel } from '@backstage/core-components';
import { Alert, Container, Flex, Text } from '@backstage/ui';
import { useEffect, useMemo, useRef, type ReactNode } from 'react';
import { formatCount } from './format';
import { LIST_PAGE_SIZE } from './listPageSize';
import { ListTable, type ListColumn } from './ListTable';
import { ListToolbar, type ListFilter } from './ListToolbar';
import {
  useLocationPage,
  type LocationTablePage,
  type LocationTableQuery,
} from './useLocationPage';
import { useSearchDraft } from './useSearchDraft';
import type { UrlListState } from './useUrlListState';

export type { LocationTablePage, LocationTableQuery } from './useLocationPage';

/**
 * A list page of every location's things (Models, customers, servers...):
 * the backend searches, filters, sorts and pages; the view lives in the URL
 * (`useUrlListState`); a location that could not be read shows as an alert
 * above the rows of the others; empty states say what to do next.
 */
export function LocationTable<
  T extends { id: string },
  F extends string,
>(props: {
  view: UrlListState<F>;
  load(query: LocationTableQuery<F>): Promise<LocationTablePage<T>>;
  columns: ListColumn<T>[];
  rowHref?: (row: T) => string | undefined;
  searchLabel: string;
  filters?: Array<Omit<ListFilter, 'value' | 'onChange'> & { name: F }>;
  actions?: ReactNode;
  /** Singular and plural, e.g. `['model', 'models']`. */
  noun: [string, string];
  empty: { filtered: ReactNode; none: ReactNode };
  pageSize?: number;
  /** Shown between the count and the table (e.g. per-location totals). */
  above?: ReactNode;
  /** Shown under the search box and filters, before the count. */
  intro?: ReactNode;
  /** A change of this value reloads the current page (after an action). */
  reloadKey?: unknown;
  /**
   * The list's name for `prefetchListPage`, when its route prefetches the
   * first page.
   */
  prefetchedAs?: string;
  /** How a failed load is told (default: Backstage's error panel). */
  describeError?: (error: Error) => string;
}) {
  const { view } = props;
  const pageSize = props.pageSize ?? LIST_PAGE_SIZE;
  const [search, setSearch] = useSearchDraft(view.search, view.setSearch);
  const list = useLocationPage<T, F>({
    load: props.load,
    search,
    filters: view.filters,
    sort: view.sort,
    initialPageSize: pageSize,
    prefetchedAs: props.prefetchedAs,
  });
  const { reload } = list;
  const total = list.page?.total;
  const errors = list.page?.errors ?? [];

  const lastKey = useRef(props.reloadKey);
  useEffect(() => {
    if (lastKey.current === props.reloadKey) return;
    lastKey.current = props.reloadKey;
    reload();
  }, [props.reloadKey, reload]);

  // The count and the empty state tell about the rows on screen, not the
  // query still on its way.
  const filtered = list.pageFiltered;
  const [one, many] = props.noun;
  const { columns, rowHref, empty } = props;
  const filterConfig = props.filters;
  const { filters: viewFilters, setFilters } = view;
  const filters = useMemo(
    () =>
      filterConfig?.map(f => ({
        ...f,
        value: viewFilters[f.name],
        onChange: (value?: string) =>
          setFilters({ ...viewFilters, [f.name]: value }),
      })),
    [filterConfig, viewFilters, setFilters],
  );
  const { page, isPending, offset, setOffset, setPageSize } = list;
  const size = list.pageSize;
  // The rows are the costly part of the page: a keystroke in the search box
  // re-renders this component for the box's text alone, and the table only
  // when its page, state or the caller's props change.
  const table = useMemo(
    () => (
      <ListTable
        aria-label={many}
        columns={columns}
        rows={page?.items}
        isStale={isPending && page !== undefined}
        sort={{ descriptor: view.sort, onSortChange: view.setSort }}
        pagination={{
          pageSize: size,
          pageSizeOptions: [...new Set([pageSize, 50, 100])],
          offset,
          totalCount: page?.total,
          hasPreviousPage: offset > 0,
          hasNextPage: offset + size < (page?.total ?? 0),
          onPreviousPage: () => setOffset(Math.max(0, offset - size)),
          onNextPage: () => setOffset(offset + size),
          onPageSizeChange: setPageSize,
        }}
        rowHref={rowHref}
        emptyState={
          <Text as="p">{filtered ? empty.filtered : empty.none}</Text>
        }
      />
    ),
    [
      many,
      columns,
      rowHref,
      empty,
      filtered,
      page,
      isPending,
      offset,
      size,
      pageSize,
      setOffset,
      setPageSize,
      view.sort,
      view.setSort,
    ],
  );
  return (
    <Container>
      <Flex direction="column" gap="4">
        <ListToolbar
          search={{
            label: props.searchLabel,
            value: search,
            onChange: setSearch,
          }}
          filters={filters}
          actions={props.actions}
        />
        {list.error &&
          (props.describeError ? (
            <Alert status="danger" title={props.describeError(list.error)} />
          ) : (
            <ResponseErrorPanel error={list.error} />
          ))}
        {errors.map(e => (
          <Alert key={e.location} status="danger" title={e.message} />
        ))}
        {props.intro}
        {total !== undefined && (
          <Text as="p" variant="body-medium" aria-live="polite">
            {formatCount(total)} {total === 1 ? one : many}
            {filtered ? ' match' : ''}
          </Text>
        )}
        {props.above}
        {table}
      </Flex>
    </Container>
  );
}
