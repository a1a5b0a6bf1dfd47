import { Cell, Table, useTable, type ColumnConfig } from '@backstage/ui';
import { ListCellText } from './ListCells';

/** All rows in one table, no paging: the lists are per location and short. */
export function PlainTable<T extends object>(props: {
  rows: T[];
  rowId: (row: T) => string;
  columns: ColumnConfig<T & { id: string }>[];
}) {
  const data = props.rows.map(row => ({ ...row, id: props.rowId(row) }));
  const { tableProps } = useTable({
    mode: 'complete',
    data,
    paginationOptions: { pageSize: data.length || 1 },
  });
  return (
    <Table
      columnConfig={props.columns}
      {...tableProps}
      pagination={{ type: 'none' }}
    />
  );
}

/**
 * A PlainTable cell whose text is read whole, wrapping instead of ending in
 * an ellipsis (bui's `CellText` truncates): a name staff copy, a message
 * that says what to fix.
 */
export function WrappedCellText(props: {
  title: string;
  description?: string;
}) {
  return (
    <Cell>
      <ListCellText wrap title={props.title} description={props.description} />
    </Cell>
  );
}
