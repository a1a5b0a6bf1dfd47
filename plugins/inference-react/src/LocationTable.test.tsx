import { Select } from '@backstage/ui';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { MemoryRouter } from 'react-router-dom';
import { ListCellText } from './ListCells';
import { ListTable, type ListColumn } from './ListTable';
import { LocationTable, type LocationTablePage } from './LocationTable';
import { prefetchListPage } from './prefetchListPage';
import type { UrlListState } from './useUrlListState';

type Row = { id: string; name: string };

// The filters' select as @backstage/ui draws it, with its renders counted.
jest.mock('@backstage/ui', () => {
  const actual = jest.requireActual('@backstage/ui');
  return {
    ...actual,
    Select: jest.fn((props: object) =>
      jest.requireActual('react').createElement(actual.Select, props),
    ),
  };
});
// The table, with its renders counted.
jest.mock('./ListTable', () => {
  const actual = jest.requireActual('./ListTable');
  return {
    ...actual,
    ListTable: jest.fn((props: object) =>
      jest.requireActual('react').createElement(actual.ListTable, props),
    ),
  };
});
const tableRenders = () =>
  (ListTable as unknown as jest.Mock).mock.calls.length;
const selectRenders = () => (Select as unknown as jest.Mock).mock.calls.length;

/** A list state kept in memory (the pages keep it in the URL). */
function useMemoryView(): UrlListState<'location'> {
  const [search, setSearch] = useState('');
  const [filters, setFilters] = useState({});
  return {
    search,
    setSearch,
    filters,
    setFilters,
    sort: null,
    setSort: () => undefined,
  };
}

/**
 * A LocationTable whose cells count their renders and whose loads wait for
 * the test to answer them (`answer(rows)` settles the newest).
 */
function setup(options: { prefetchedAs?: string } = {}) {
  const columns: ListColumn<Row>[] = [
    {
      id: 'name',
      label: 'Name',
      isRowHeader: true,
      cell: row => <ListCellText title={row.name} />,
    },
  ];
  const pending: Array<(page: LocationTablePage<Row>) => void> = [];
  const load = jest.fn(
    () =>
      new Promise<LocationTablePage<Row>>(resolve => {
        pending.push(resolve);
      }),
  );
  const answer = async (names: string[]) => {
    await act(async () => {
      pending[pending.length - 1]({
        items: names.map(name => ({ id: name, name })),
        errors: [],
        total: names.length,
      });
    });
  };
  const filters = [
    {
      name: 'location' as const,
      label: 'Location',
      options: [{ id: 'pr', label: 'Puerto Rico' }],
    },
  ];
  const Page = () => (
    <LocationTable<Row, 'location'>
      view={useMemoryView()}
      load={load}
      columns={columns}
      searchLabel="Search things"
      filters={filters}
      noun={['thing', 'things']}
      empty={{ filtered: 'Nothing matches.', none: 'Nothing yet.' }}
      prefetchedAs={options.prefetchedAs}
    />
  );
  render(
    <MemoryRouter>
      <Page />
    </MemoryRouter>,
  );
  const busy = () =>
    screen.getByRole('table').getAttribute('data-stale') === 'true';
  return { load, answer, busy };
}

describe('LocationTable', () => {
  afterEach(() => {
    jest.useRealTimers();
    (ListTable as unknown as jest.Mock).mockClear();
    (Select as unknown as jest.Mock).mockClear();
  });

  it('renders the rows again for a new answer, not for the keystroke that asks for it, and the filters for neither', async () => {
    const { load, answer } = setup();
    await answer(['alpha', 'beta']);
    expect(screen.getByText('beta')).toBeTruthy();
    const before = tableRenders();
    const selectsBefore = selectRenders();
    expect(before).toBeGreaterThan(0);
    expect(selectsBefore).toBeGreaterThan(0);

    await act(async () => {
      fireEvent.change(screen.getByRole('searchbox'), {
        target: { value: 'al' },
      });
    });
    expect(load).toHaveBeenLastCalledWith(
      expect.objectContaining({ search: 'al' }),
    );
    // The box shows the text; the rows on screen were not rendered again.
    expect((screen.getByRole('searchbox') as HTMLInputElement).value).toBe(
      'al',
    );
    expect(tableRenders()).toBe(before);

    await answer(['alpha']);
    expect(tableRenders()).toBeGreaterThan(before);
    expect(screen.queryByText('beta')).toBeNull();
    // The filter's select stays as it was through the keystroke and the answer.
    expect(selectRenders()).toBe(selectsBefore);
  });

  it('marks the rows stale only once an answer is slow', async () => {
    const { answer, busy } = setup();
    await answer(['alpha', 'beta']);
    expect(busy()).toBe(false);

    jest.useFakeTimers();
    await act(async () => {
      fireEvent.change(screen.getByRole('searchbox'), {
        target: { value: 'b' },
      });
    });
    act(() => jest.advanceTimersByTime(149));
    expect(busy()).toBe(false);
    act(() => jest.advanceTimersByTime(1));
    expect(busy()).toBe(true);
    // The old rows stay on screen, marked, until the answer.
    expect(screen.getByText('alpha')).toBeTruthy();

    await answer(['beta']);
    expect(busy()).toBe(false);
    expect(screen.queryByText('alpha')).toBeNull();
  });

  it('shows no stale mark for an answer that comes at once', async () => {
    const { answer, busy } = setup();
    await answer(['alpha', 'beta']);
    jest.useFakeTimers();
    await act(async () => {
      fireEvent.change(screen.getByRole('searchbox'), {
        target: { value: 'a' },
      });
    });
    await answer(['alpha']);
    act(() => jest.advanceTimersByTime(1000));
    expect(busy()).toBe(false);
  });

  it('shows a first page its route prefetched instead of asking again, and asks for the next query', async () => {
    prefetchListPage({
      list: 'things',
      filters: ['location'],
      pageSize: 20,
      load: async () => ({
        items: [{ id: 'early', name: 'early' }],
        errors: [],
        total: 1,
      }),
      search: '',
    });
    const { load, answer } = setup({ prefetchedAs: 'things' });
    expect(await screen.findByText('early')).toBeTruthy();
    expect(load).not.toHaveBeenCalled();

    await act(async () => {
      fireEvent.change(screen.getByRole('searchbox'), {
        target: { value: 'b' },
      });
    });
    expect(load).toHaveBeenLastCalledWith(
      expect.objectContaining({ search: 'b', offset: 0 }),
    );
    await answer(['beta']);
    expect(screen.getByText('beta')).toBeTruthy();
  });

  it('shows a prefetched first page that has already answered in its first render', async () => {
    prefetchListPage({
      list: 'things',
      filters: ['location'],
      pageSize: 20,
      load: async () => ({
        items: [{ id: 'ready', name: 'ready' }],
        errors: [],
        total: 1,
      }),
      search: '',
    });
    // The answer comes before the table is drawn.
    await act(async () => undefined);
    const { load, busy } = setup({ prefetchedAs: 'things' });
    expect(screen.getByText('ready')).toBeTruthy();
    expect(screen.getByText('1 thing')).toBeTruthy();
    expect(busy()).toBe(false);
    await act(async () => undefined);
    expect(load).not.toHaveBeenCalled();
  });
});
