import type { LocationTableQuery } from './LocationTable';

/** The query parameters every cross-location list endpoint shares. */
export interface ListPageQuery {
  limit: number;
  offset?: number;
  q?: string;
  location?: string;
}

/**
 * The shared part of a list request from the table's query: the page, the
 * search and the location filter, leaving out what is at its default so the
 * request (and the backend's cache key) stays minimal. Pages add their own
 * filters and sort beside it.
 */
export function toListPageQuery<F extends string>(
  query: Pick<LocationTableQuery<F>, 'offset' | 'limit' | 'search' | 'filters'>,
): ListPageQuery {
  const location = (query.filters as Partial<Record<string, string>>).location;
  return {
    limit: query.limit,
    ...(query.offset > 0 && { offset: query.offset }),
    ...(query.search && { q: query.search }),
    ...(location && { location }),
  };
}
