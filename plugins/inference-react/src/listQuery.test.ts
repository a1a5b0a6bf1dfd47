import { toListPageQuery } from './listQuery';

describe('toListPageQuery', () => {
  it('sends only the limit for the first unfiltered page', () => {
    expect(
      toListPageQuery({ offset: 0, limit: 50, search: '', filters: {} }),
    ).toEqual({ limit: 50 });
  });

  it('adds the offset, the search as q and the location filter', () => {
    expect(
      toListPageQuery<'location' | 'engine'>({
        offset: 100,
        limit: 50,
        search: 'qwen',
        filters: { location: 'pr', engine: 'VLLM' },
      }),
    ).toEqual({ limit: 50, offset: 100, q: 'qwen', location: 'pr' });
  });
});
