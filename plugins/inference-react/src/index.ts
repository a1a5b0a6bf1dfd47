/**
 * React pieces shared by the inference portal's frontend plugins.
 *
 * @packageDocumentation
 */
export { LocationListPage } from './LocationListPage';
export { PlainTable, WrappedCellText } from './PlainTable';
export { CellLines } from './CellLines';
export { ListCellLines, ListCellText } from './ListCells';
export { ListTable, type ListColumn, type ListTableProps } from './ListTable';
export { ListToolbar, type ListFilter } from './ListToolbar';
export { locationFilter } from './locationFilter';
export {
  readListView,
  useUrlListState,
  type UrlListState,
} from './useUrlListState';
export { LIST_PAGE_SIZE } from './listPageSize';
export {
  LocationTable,
  type LocationTablePage,
  type LocationTableQuery,
} from './LocationTable';
export { toListPageQuery, type ListPageQuery } from './listQuery';
export { listPagePrefetcher, prefetchListPage } from './prefetchListPage';
export { askEarly, takeEarlyAnswer } from './earlyAnswer';
export { PageHeading } from './PageHeading';
export { appOpenedAt, preloadPageIfOpenedAt } from './preloadPage';
export {
  describeLocationFailure,
  LocationSectionCard,
  type LocationSectionCardProps,
} from './LocationSectionCard';
export { SectionSkeleton } from './PageSkeleton';
export {
  formatAge,
  formatCount,
  formatDateTime,
  formatMoney,
  formatPricePerMillion,
  perMillionTokens,
} from './format';
