import { ResponseErrorPanel } from '@backstage/core-components';
import {
  Alert,
  Container,
  Flex,
  Table,
  Text,
  type ColumnConfig,
} from '@backstage/ui';
import { useEffect, useRef, type ReactNode } from 'react';
import { formatCount } from './format';
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
  const [search, setSearch] = useSearchDraft(view.search, view.setSearch);
  const list = useLocationPage<T, F>({
    load: props.load,
    search,
    filters: view.filters,
    sort: view.sort,
    initialPageSize: pageSize,
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

  const filtered = Boolean(search || Object.keys(view.filters).length);
  const [one, many] = props.noun;
  return (
    <Container>
      <Flex direction="column" gap="4">
        <ListToolbar
          search={{
            label: props.searchLabel,
            value: search,
            onChange: setSearch,
          }}
          filters={props.filters?.map(f => ({
            ...f,
            value: view.filters[f.name],
            onChange: (value?: string) =>
              view.setFilters({ ...view.filters, [f.name]: value }),
          }))}
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
        <Table
          columnConfig={props.columns}
          data={list.page?.items}
          isPending={list.isPending}
          isStale={list.isPending && list.page !== undefined}
          sort={{ descriptor: view.sort, onSortChange: view.setSort }}
          pagination={{
            type: 'page',
            pageSize: list.pageSize,
            pageSizeOptions: [pageSize, 50, 100],
            offset: list.offset,
            totalCount: total,
            hasPreviousPage: list.offset > 0,
            hasNextPage: list.offset + list.pageSize < (total ?? 0),
            onPreviousPage: () =>
              list.setOffset(Math.max(0, list.offset - list.pageSize)),
            onNextPage: () => list.setOffset(list.offset + list.pageSize),
            onPageSizeChange: list.setPageSize,
          }}
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
