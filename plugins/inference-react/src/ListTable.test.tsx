import { fireEvent, render, screen, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import { ListCellLines, ListCellText } from './ListCells';
import { ListTable, type ListColumn } from './ListTable';
import type { SortDescriptor } from '@backstage/ui';

type Row = { id: string; name: string; zone: string; gpus: string[] };

const columns: ListColumn<Row>[] = [
  {
    id: 'name',
    label: 'Name',
    isRowHeader: true,
    isSortable: true,
    cell: r => <ListCellText title={r.name} description={r.id} />,
  },
  {
    id: 'zone',
    label: 'Zone',
    width: 120,
    cell: r => <ListCellText title={r.zone} href={`/zones/${r.zone}`} />,
  },
  {
    id: 'gpus',
    label: 'GPUs',
    cell: r => <ListCellLines label="GPUs" lines={r.gpus} />,
  },
];

const rowsOf = (...names: string[]) =>
  names.map(name => ({ id: `id-${name}`, name, zone: 'z1', gpus: ['A100'] }));

const pagination = {
  pageSize: 20,
  pageSizeOptions: [20, 50],
  offset: 0,
  totalCount: 2,
  hasNextPage: false,
  hasPreviousPage: false,
  onNextPage: () => undefined,
  onPreviousPage: () => undefined,
  onPageSizeChange: () => undefined,
};

function Where() {
  const location = useLocation();
  return <p data-testid="where">{location.pathname + location.search}</p>;
}

function renderTable(props: {
  rows?: Row[];
  sort?: { descriptor: SortDescriptor | null; onSortChange: jest.Mock };
  isStale?: boolean;
}) {
  const Table = (p: { rows?: Row[] }) => (
    <ListTable<Row>
      aria-label="Things"
      columns={columns}
      rows={p.rows}
      isStale={props.isStale}
      sort={props.sort}
      rowHref={r => `/things/${r.name}`}
      emptyState="Nothing here yet."
      pagination={pagination}
    />
  );
  const view = render(
    <MemoryRouter initialEntries={['/things']}>
      <Routes>
        <Route path="*" element={<Table rows={props.rows} />} />
      </Routes>
      <Where />
    </MemoryRouter>,
  );
  return {
    ...view,
    rerenderRows: (rows: Row[]) =>
      view.rerender(
        <MemoryRouter initialEntries={['/things']}>
          <Routes>
            <Route path="*" element={<Table rows={rows} />} />
          </Routes>
          <Where />
        </MemoryRouter>,
      ),
  };
}

const where = () => screen.getByTestId('where').textContent;

describe('ListTable', () => {
  it('is a table with column headers, a row header per row and cells', () => {
    renderTable({ rows: rowsOf('alpha', 'beta') });
    const table = screen.getByRole('table', { name: 'Things' });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map(h => h.textContent),
    ).toEqual(['Name', 'Zone', 'GPUs']);
    expect(
      within(table)
        .getAllByRole('rowheader')
        .map(h => h.querySelector('p')?.textContent),
    ).toEqual(['alpha', 'beta']);
    // The description beneath the title, the link and the lines.
    expect(within(table).getByText('id-alpha')).toBeTruthy();
    expect(
      within(table)
        .getAllByRole('link', { name: 'z1' })[0]
        .getAttribute('href'),
    ).toBe('/zones/z1');
    expect(within(table).getAllByLabelText('GPUs')[0].textContent).toBe('A100');
    // The fixed width goes on the column's header.
    expect(
      (screen.getByRole('columnheader', { name: 'Zone' }) as HTMLElement).style
        .width,
    ).toBe('120px');
  });

  it('opens a row on a click or Enter, and leaves a link of the row to itself', () => {
    renderTable({ rows: rowsOf('alpha', 'beta') });
    const [, alpha] = screen.getAllByRole('row');
    fireEvent.click(within(alpha).getByText('id-alpha'));
    expect(where()).toBe('/things/alpha');

    const beta = screen.getAllByRole('row')[2];
    expect(beta.tabIndex).toBe(0);
    fireEvent.keyDown(beta, { key: 'Enter' });
    expect(where()).toBe('/things/beta');

    const link = within(screen.getAllByRole('row')[1]).getByRole('link', {
      name: 'z1',
    });
    fireEvent.click(link);
    expect(where()).toBe('/zones/z1');
  });

  it('opens a row in a new tab on a modified click', () => {
    const open = jest.spyOn(window, 'open').mockReturnValue(null);
    renderTable({ rows: rowsOf('alpha') });
    fireEvent.click(screen.getByText('id-alpha'), { ctrlKey: true });
    expect(open).toHaveBeenCalledWith('/things/alpha', '_blank', 'noopener');
    expect(where()).toBe('/things');
    open.mockRestore();
  });

  it('sorts by a sortable column: ascending first, then the other way', () => {
    const onSortChange = jest.fn();
    const { unmount } = renderTable({
      rows: rowsOf('alpha'),
      sort: { descriptor: null, onSortChange },
    });
    const name = screen.getByRole('columnheader', { name: 'Name' });
    expect(name.getAttribute('aria-sort')).toBe('none');
    // Only sortable columns have a control.
    expect(
      within(screen.getByRole('columnheader', { name: 'Zone' })).queryByRole(
        'button',
      ),
    ).toBeNull();
    fireEvent.click(within(name).getByRole('button'));
    expect(onSortChange).toHaveBeenLastCalledWith({
      column: 'name',
      direction: 'ascending',
    });
    unmount();

    renderTable({
      rows: rowsOf('alpha'),
      sort: {
        descriptor: { column: 'name', direction: 'ascending' },
        onSortChange,
      },
    });
    const sorted = screen.getByRole('columnheader', { name: 'Name' });
    expect(sorted.getAttribute('aria-sort')).toBe('ascending');
    // A click anywhere in the header, not only on its button.
    fireEvent.click(sorted);
    expect(onSortChange).toHaveBeenLastCalledWith({
      column: 'name',
      direction: 'descending',
    });
    expect(onSortChange).toHaveBeenCalledTimes(2);
  });

  it('shows skeleton rows before the first answer and the empty state for none', () => {
    const { rerenderRows, container } = renderTable({ rows: undefined });
    expect(screen.getByRole('table').getAttribute('aria-busy')).toBe('true');
    expect(container.querySelectorAll('tbody tr')).toHaveLength(5);
    rerenderRows([]);
    expect(screen.getByText('Nothing here yet.')).toBeTruthy();
    expect(screen.getByRole('table').getAttribute('aria-busy')).toBe('false');
  });

  it('marks stale rows for the stylesheet and for assistive technology', () => {
    renderTable({ rows: rowsOf('alpha'), isStale: true });
    const table = screen.getByRole('table');
    expect(table.getAttribute('data-stale')).toBe('true');
    expect(table.getAttribute('aria-busy')).toBe('true');
  });

  it("reuses the rows' elements for the next answer's rows", () => {
    const { rerenderRows } = renderTable({ rows: rowsOf('alpha', 'beta') });
    const before = screen.getAllByRole('row');
    rerenderRows(rowsOf('gamma'));
    const after = screen.getAllByRole('row');
    expect(after).toHaveLength(2);
    expect(after[1]).toBe(before[1]);
    expect(within(after[1]).getByRole('rowheader').textContent).toContain(
      'gamma',
    );
    fireEvent.click(within(after[1]).getByText('id-gamma'));
    expect(where()).toBe('/things/gamma');
  });
});
