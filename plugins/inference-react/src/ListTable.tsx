import {
  Flex,
  Skeleton,
  TableDefinition,
  TablePagination,
  type SortDescriptor,
  type TablePaginationProps,
} from '@backstage/ui';
import {
  memo,
  useCallback,
  type KeyboardEvent,
  type MouseEvent,
  type ReactNode,
} from 'react';
import { useNavigate } from 'react-router-dom';

/**
 * A list page's table: `@backstage/ui`'s table styles (its own class names)
 * on plain table elements, with bui's pagination.
 *
 * Why not bui's `Table`: it is a react-aria grid, and every cell of it runs
 * the grid's focus, press, hover and selection hooks. A list answers each
 * keystroke of its search box with a new page of rows, and on a 2-core
 * machine those hooks made 20 rows of 7 columns cost 30 to 80 ms of script
 * per answer. Here a cell is a `<td>`: the same look, native table
 * semantics (`row`, `rowheader`, `columnheader` roles), links and buttons
 * in the tab order, and a row that opens its page on a click or Enter.
 */

/** A column of a `ListTable`. */
export interface ListColumn<T> {
  id: string;
  label: string;
  /** The cell's content (`ListCellText`, `ListCellLines` or any element). */
  cell(row: T): ReactNode;
  isSortable?: boolean;
  /** The row's name: a `<th scope="row">`. One column per table. */
  isRowHeader?: boolean;
  /**
   * The column's width (px, or any CSS width). The table's layout is fixed:
   * columns without one share what the others leave.
   */
  width?: number | string;
}

const styles = TableDefinition.styles;
/** bui's class for a part of its table: its public name and its module class. */
const bui = (name: string) => `${name} ${styles[name] ?? ''}`;
const CLASS = {
  wrapper: bui('bui-TableWrapper'),
  scroll: bui('bui-TableScrollContainer'),
  table: bui('bui-Table'),
  header: bui('bui-TableHeader'),
  head: bui('bui-TableHead'),
  headContent: bui('bui-TableHeadContent'),
  headLabel: bui('bui-TableHeadLabel'),
  headSort: bui('bui-TableHeadSortButton'),
  body: bui('bui-TableBody'),
  row: bui('bui-TableRow'),
  cell: bui('bui-TableCell'),
};

/**
 * The header's sort control: a button that looks like the header's text
 * (the browser's focus ring kept for the keyboard).
 */
const SORT_BUTTON_STYLE = {
  display: 'block',
  width: '100%',
  padding: 0,
  border: 0,
  background: 'none',
  color: 'inherit',
  font: 'inherit',
  textAlign: 'inherit',
  cursor: 'pointer',
} as const;

/** A row header reads like the other cells (a `<th>` is centred and bold). */
const ROW_HEADER_STYLE = { textAlign: 'start', fontWeight: 'inherit' } as const;

/** bui's sort arrow (Remix Icon `arrow-up-line`), turned by bui's CSS. */
const SortArrow = () => (
  <svg width="16" height="16" viewBox="0 0 24 24" fill="currentColor">
    <path d="M13.0001 7.82843V20H11.0001V7.82843L5.63614 13.1924L4.22192 11.7782L12.0001 4L19.7783 11.7782L18.3641 13.1924L13.0001 7.82843Z" />
  </svg>
);

const INTERACTIVE = 'a, button, input, select, textarea, [role="button"]';

interface RowProps<T> {
  row: T;
  columns: ListColumn<T>[];
  href?: string;
  open(href: string, event: MouseEvent | KeyboardEvent): void;
}

function ListRowComponent<T>({ row, columns, href, open }: RowProps<T>) {
  return (
    <tr
      className={CLASS.row}
      data-href={href}
      tabIndex={href ? 0 : undefined}
      onClick={
        href
          ? e => {
              // A link or button of the row does its own thing.
              if ((e.target as Element).closest(INTERACTIVE)) return;
              open(href, e);
            }
          : undefined
      }
      onKeyDown={
        href
          ? e => {
              if (e.key === 'Enter' && e.target === e.currentTarget) {
                open(href, e);
              }
            }
          : undefined
      }
    >
      {columns.map(c =>
        c.isRowHeader ? (
          <th
            key={c.id}
            scope="row"
            className={CLASS.cell}
            style={ROW_HEADER_STYLE}
          >
            {c.cell(row)}
          </th>
        ) : (
          <td key={c.id} className={CLASS.cell}>
            {c.cell(row)}
          </td>
        ),
      )}
    </tr>
  );
}

// A row whose data, columns and link are the same as at the last render
// (the next page repeats it, or only the count changed) is not rendered
// again.
const ListRow = memo(ListRowComponent) as typeof ListRowComponent;

const nextDirection = (
  column: string,
  sort: SortDescriptor | null,
): SortDescriptor['direction'] =>
  sort?.column === column && sort.direction === 'ascending'
    ? 'descending'
    : 'ascending';

export interface ListTableProps<T extends { id: string }> {
  columns: ListColumn<T>[];
  /** The rows; undefined until the first page answers (skeleton rows). */
  rows?: T[];
  /** The rows on screen answer an older query: shown dimmed. */
  isStale?: boolean;
  sort?: {
    descriptor: SortDescriptor | null;
    onSortChange(descriptor: SortDescriptor): void;
  };
  rowHref?: (row: T) => string | undefined;
  emptyState: ReactNode;
  pagination: TablePaginationProps;
  'aria-label': string;
}

export function ListTable<T extends { id: string }>(props: ListTableProps<T>) {
  const { columns, rows, sort, rowHref } = props;
  const navigate = useNavigate();
  const open = useCallback(
    (href: string, event: MouseEvent | KeyboardEvent) => {
      // A new tab as a link would open one.
      if (event.metaKey || event.ctrlKey || event.shiftKey) {
        window.open(href, '_blank', 'noopener');
      } else {
        navigate(href);
      }
    },
    [navigate],
  );
  return (
    <div className={CLASS.wrapper}>
      <div className={CLASS.scroll}>
        <table
          className={CLASS.table}
          aria-label={props['aria-label']}
          aria-busy={props.isStale || rows === undefined}
          data-stale={props.isStale ? 'true' : undefined}
        >
          <thead className={CLASS.header}>
            <tr>
              {columns.map(c => {
                const direction =
                  sort?.descriptor?.column === c.id
                    ? sort.descriptor.direction
                    : undefined;
                const label = (
                  <div className={CLASS.headContent}>
                    <span className={CLASS.headLabel}>{c.label}</span>
                    {c.isSortable && (
                      <span aria-hidden="true" className={CLASS.headSort}>
                        <SortArrow />
                      </span>
                    )}
                  </div>
                );
                return (
                  <th
                    key={c.id}
                    scope="col"
                    className={CLASS.head}
                    style={
                      c.width === undefined ? undefined : { width: c.width }
                    }
                    aria-sort={c.isSortable ? direction ?? 'none' : undefined}
                    data-sort-direction={direction}
                    // The whole header sorts, padding included; the button
                    // inside gives the keyboard a way, its click bubbles here.
                    onClick={
                      c.isSortable && sort
                        ? () =>
                            sort.onSortChange({
                              column: c.id,
                              direction: nextDirection(c.id, sort.descriptor),
                            })
                        : undefined
                    }
                  >
                    {c.isSortable && sort ? (
                      <button type="button" style={SORT_BUTTON_STYLE}>
                        {label}
                      </button>
                    ) : (
                      label
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody className={CLASS.body}>
            {rows === undefined &&
              [0, 1, 2, 3, 4].map(i => (
                <tr key={i} className={CLASS.row}>
                  {columns.map(c => (
                    <td key={c.id} className={CLASS.cell}>
                      <Skeleton width="70%" />
                    </td>
                  ))}
                </tr>
              ))}
            {rows?.length === 0 && (
              <tr className={CLASS.row}>
                <td className={CLASS.cell} colSpan={columns.length}>
                  <Flex p="3">{props.emptyState}</Flex>
                </td>
              </tr>
            )}
            {rows?.map((row, index) => (
              // Keyed by place: the next answer's rows reuse these elements
              // (the browser updates their text rather than building and
              // laying out new ones); a row keeps no state of its own.
              <ListRow
                key={index}
                row={row}
                columns={columns}
                href={rowHref?.(row)}
                open={open}
              />
            ))}
          </tbody>
        </table>
      </div>
      <TablePagination {...props.pagination} />
    </div>
  );
}
