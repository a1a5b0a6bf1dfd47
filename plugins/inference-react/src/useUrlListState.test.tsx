import { act, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter, useLocation } from 'react-router-dom';
import { useUrlListState } from './useUrlListState';

function setup(url: string) {
  const wrapper = ({ children }: { children: ReactNode }) => (
    <MemoryRouter initialEntries={[url]}>{children}</MemoryRouter>
  );
  return renderHook(
    () => ({
      view: useUrlListState({ filters: ['location', 'engine'] as const }),
      url: useLocation(),
    }),
    { wrapper },
  );
}

describe('useUrlListState', () => {
  it('reads the search, filters and sort of the URL', () => {
    const { result } = setup('/m?q=qwen&location=pr&sort=price&order=desc');
    expect(result.current.view).toMatchObject({
      search: 'qwen',
      filters: { location: 'pr' },
      sort: { column: 'price', direction: 'descending' },
    });
  });

  it('writes each change to the URL, keeping the other parameters', () => {
    const { result } = setup('/m?location=pr&other=1');
    act(() => result.current.view.setSearch('qwen'));
    act(() => result.current.view.setFilters({ engine: 'VLLM' }));
    act(() =>
      result.current.view.setSort({ column: 'name', direction: 'ascending' }),
    );
    expect(
      Object.fromEntries(new URLSearchParams(result.current.url.search)),
    ).toEqual({
      other: '1',
      q: 'qwen',
      engine: 'VLLM',
      sort: 'name',
      order: 'asc',
    });
  });
});
