import {
  listPagePrefetcher,
  listQueryKey,
  prefetchListPage,
  takePrefetchedPage,
  takeSettledPrefetch,
} from './prefetchListPage';

const FILTERS = ['location', 'engine'] as const;

/** The first page of 20, no search, filter or sort. */
const FIRST_PAGE = {
  offset: 0,
  limit: 20,
  search: '',
  filters: {},
  sort: null,
};

const page = (name: string) => ({
  items: [{ id: name }],
  errors: [],
  total: 1,
});

describe('prefetchListPage', () => {
  afterEach(() => jest.useRealTimers());

  it("asks for the URL's view and gives the answer, once, to the table asking the same", async () => {
    const load = jest.fn(async () => page('a'));
    prefetchListPage({
      list: 'things',
      filters: FILTERS,
      pageSize: 20,
      load,
      search: '?q=%20qwen%20&engine=VLLM&location=pr&sort=price&order=desc&x=1',
    });
    expect(load).toHaveBeenCalledWith(
      expect.objectContaining({
        offset: 0,
        limit: 20,
        search: 'qwen',
        filters: { location: 'pr', engine: 'VLLM' },
        sort: { column: 'price', order: 'desc' },
      }),
    );
    const query = {
      offset: 0,
      limit: 20,
      search: 'qwen',
      // The same filters in another order are the same query.
      filters: { engine: 'VLLM', location: 'pr' },
      sort: { column: 'price', order: 'desc' as const },
    };
    const taken = takePrefetchedPage('things', query);
    expect(taken).toBeDefined();
    await expect(taken).resolves.toEqual(page('a'));
    expect(takePrefetchedPage('things', query)).toBeUndefined();
  });

  it('gives nothing to a table asking another query, or another list', () => {
    const load = jest.fn(async () => page('a'));
    prefetchListPage({
      list: 'things',
      filters: FILTERS,
      pageSize: 20,
      load,
      search: '',
    });
    expect(takePrefetchedPage('others', FIRST_PAGE)).toBeUndefined();
    expect(
      takePrefetchedPage('things', { ...FIRST_PAGE, limit: 50 }),
    ).toBeUndefined();
    // Dropped once asked about, even for another query.
    expect(takePrefetchedPage('things', FIRST_PAGE)).toBeUndefined();
  });

  it('gives nothing once the answer is ten seconds old', () => {
    jest.useFakeTimers();
    prefetchListPage({
      list: 'things',
      filters: FILTERS,
      pageSize: 20,
      load: async () => page('a'),
      search: '',
    });
    jest.advanceTimersByTime(10_001);
    expect(takePrefetchedPage('things', FIRST_PAGE)).toBeUndefined();
  });

  it('keys a query by what the answer depends on', () => {
    const base = { offset: 0, limit: 20, search: 'a', filters: {}, sort: null };
    expect(listQueryKey(base)).toBe(
      listQueryKey({ ...base, search: ' a ', filters: { location: '' } }),
    );
    expect(listQueryKey(base)).not.toBe(listQueryKey({ ...base, offset: 20 }));
    expect(listQueryKey(base)).not.toBe(
      listQueryKey({ ...base, sort: { column: 'name', order: 'asc' } }),
    );
  });

  it('gives an answer that has come to a first render, and leaves one on its way to the table', async () => {
    const query = FIRST_PAGE;
    let answer!: (p: ReturnType<typeof page>) => void;
    prefetchListPage({
      list: 'things',
      filters: FILTERS,
      pageSize: 20,
      load: () =>
        new Promise<ReturnType<typeof page>>(resolve => {
          answer = resolve;
        }),
      search: '',
    });
    expect(takeSettledPrefetch('things', query)).toBeUndefined();
    answer(page('b'));
    await Promise.resolve();
    expect(takeSettledPrefetch('things', query)).toEqual(page('b'));
    expect(takeSettledPrefetch('things', query)).toBeUndefined();
    expect(takePrefetchedPage('things', query)).toBeUndefined();
  });

  it('asks once when the page is prefetched twice for the same view', () => {
    const load = jest.fn(async () => page('a'));
    const options = {
      list: 'twice',
      filters: FILTERS,
      pageSize: 20,
      load,
      search: '?q=a',
    };
    prefetchListPage(options);
    prefetchListPage(options);
    expect(load).toHaveBeenCalledTimes(1);
    prefetchListPage({ ...options, search: '?q=b' });
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("asks for a list page's first page only at the list's own path, with the API there", () => {
    const load = jest.fn(async () => page('a'));
    const loader = jest.fn(() => load);
    let api: object | undefined = {};
    const prefetch = listPagePrefetcher({
      path: '/things',
      list: 'at-path',
      filters: FILTERS,
      api: () => api,
      loader,
    });
    window.history.replaceState(null, '', '/things/one');
    prefetch();
    expect(load).not.toHaveBeenCalled();
    window.history.replaceState(null, '', '/things?q=x');
    api = undefined;
    prefetch();
    expect(load).not.toHaveBeenCalled();
    api = {};
    prefetch();
    expect(loader).toHaveBeenCalledWith(api);
    expect(load).toHaveBeenCalledWith(
      expect.objectContaining({ limit: 20, search: 'x', offset: 0 }),
    );
    window.history.replaceState(null, '', '/');
  });
});
