import { LunrSearchEngine } from '@backstage/plugin-search-backend-node';
import type {
  IndexableResultSet,
  SearchQuery,
} from '@backstage/plugin-search-common';

/** The most results a filtered query reads from Lunr before filtering. */
const MAX_MATCHES = 10_000;

/**
 * Backstage's Lunr engine with filters that narrow the term's results.
 *
 * Its query builder adds each filter as a required clause next to the
 * term's optional ones, and a Lunr query with a required clause matches
 * every document that satisfies it whatever the optional clauses: searching
 * "nomic" with the location `pr` listed every document of `pr`. Here a query
 * with a term and filters asks Lunr for the term alone, keeps the documents
 * whose field equals a filter value (case-insensitively; any of an array of
 * values, or an element of an array field), as PostgreSQL's engine compares
 * them, and pages what is left. Without a term or filters the query is
 * Lunr's own.
 */
export class FilteredLunrSearchEngine extends LunrSearchEngine {
  async query(query: SearchQuery): Promise<IndexableResultSet> {
    const filters = Object.entries(query.filters ?? {});
    if (!query.term.trim() || filters.length === 0) {
      return super.query(query);
    }
    const { results } = await super.query({
      term: query.term,
      types: query.types,
      pageLimit: MAX_MATCHES,
    });
    const kept = results.filter(r =>
      filters.every(([field, value]) =>
        matches(
          (r.document as unknown as Record<string, unknown>)[field],
          value,
        ),
      ),
    );
    const pageSize = query.pageLimit || 25;
    const page = query.pageCursor
      ? Number(Buffer.from(query.pageCursor, 'base64').toString('utf-8'))
      : 0;
    const offset = page * pageSize;
    const cursor = (p: number) =>
      Buffer.from(`${p}`, 'utf-8').toString('base64');
    return {
      results: kept
        .slice(offset, offset + pageSize)
        .map((r, index) => ({ ...r, rank: offset + index + 1 })),
      numberOfResults: kept.length,
      nextPageCursor:
        kept.length > offset + pageSize ? cursor(page + 1) : undefined,
      previousPageCursor: page > 0 ? cursor(page - 1) : undefined,
    };
  }
}

function matches(field: unknown, value: unknown) {
  const wanted = (Array.isArray(value) ? value : [value]).map(normalized);
  const present = (Array.isArray(field) ? field : [field]).map(normalized);
  return wanted.some(w => w !== undefined && present.includes(w));
}

function normalized(value: unknown): string | undefined {
  if (value === undefined || value === null || typeof value === 'object') {
    return undefined;
  }
  return String(value).toLocaleLowerCase('en-US');
}
