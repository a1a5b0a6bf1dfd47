import { Table, useTable, type ColumnConfig } from '@backstage/ui';

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
