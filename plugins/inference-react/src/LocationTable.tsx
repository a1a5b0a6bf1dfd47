import { ResponseErrorPanel } from '@backstage/core-components';
import {
  Alert,
  Container,
  Flex,
  Table,
  Text,
  useTable,
  type ColumnConfig,
  type SortDescriptor,
} from '@backstage/ui';
import type { LocationError } from '@internal/backstage-plugin-inference-common';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { formatCount } from './format';
import { ListToolbar, type ListFilter } from './ListToolbar';
import type { UrlListState } from './useUrlListState';

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

const toSort = (d: SortDescriptor | null) =>
  d
    ? {
        column: String(d.column),
        order:
          d.direction === 'descending' ? ('desc' as const) : ('asc' as const),
      }
    : null;

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
  columns: ColumnConfig<T>[];
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
  /** How a failed load is told (default: Backstage's error panel). */
  describeError?: (error: Error) => string;
}) {
  const { view } = props;
  const pageSize = props.pageSize ?? 25;
  const [errors, setErrors] = useState<LocationError[]>([]);
  const [total, setTotal] = useState<number>();

  const { tableProps, reload } = useTable<T, Partial<Record<F, string>>>({
    mode: 'offset',
    search: view.search,
    onSearchChange: view.setSearch,
    filter: view.filters,
    onFilterChange: view.setFilters,
    sort: view.sort,
    onSortChange: view.setSort,
    paginationOptions: { pageSize, pageSizeOptions: [pageSize, 50, 100] },
    getData: async ({
      offset,
      pageSize: limit,
      filter,
      search,
      sort,
      signal,
    }) => {
      const page = await props.load({
        offset,
        limit,
        search: search.trim(),
        filters: filter ?? {},
        sort: toSort(sort),
        signal,
      });
      setErrors(page.errors);
      setTotal(page.total);
      return { data: page.items, totalCount: page.total };
    },
  });

  const lastKey = useRef(props.reloadKey);
  useEffect(() => {
    if (lastKey.current === props.reloadKey) return;
    lastKey.current = props.reloadKey;
    reload();
  }, [props.reloadKey, reload]);

  const filtered = Boolean(view.search || Object.keys(view.filters).length);
  const [one, many] = props.noun;
  return (
    <Container>
      <Flex direction="column" gap="4">
        <ListToolbar
          search={{
            label: props.searchLabel,
            value: view.search,
            onChange: view.setSearch,
          }}
          filters={props.filters?.map(f => ({
            ...f,
            value: view.filters[f.name],
            onChange: (value?: string) =>
              view.setFilters({ ...view.filters, [f.name]: value }),
          }))}
          actions={props.actions}
        />
        {tableProps.error &&
          (props.describeError ? (
            <Alert
              status="danger"
              title={props.describeError(tableProps.error)}
            />
          ) : (
            <ResponseErrorPanel error={tableProps.error} />
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
        <Table
          columnConfig={props.columns}
          {...tableProps}
          error={undefined}
          rowConfig={props.rowHref ? { getHref: props.rowHref } : undefined}
          emptyState={
            <Text as="p">
              {filtered ? props.empty.filtered : props.empty.none}
            </Text>
          }
        />
      </Flex>
    </Container>
  );
}
