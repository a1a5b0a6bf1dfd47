import type { ModelSummary } from '@internal/backstage-plugin-inference-models-common';

/** The columns `GET /models` sorts by. */
export type ModelSortColumn =
  | 'location'
  | 'name'
  | 'engine'
  | 'status'
  | 'replicas'
  | 'price';

function compare(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/**
 * Compares two non-negative decimal strings ("0.000008", "12.5") exactly:
 * prices are exact decimals, and floats would tie or misorder prices that
 * differ in the last of many places.
 */
export function compareDecimals(a: string, b: string): number {
  const [ai, af = ''] = a.split('.');
  const [bi, bf = ''] = b.split('.');
  const aInt = ai.replace(/^0+(?=\d)/, '');
  const bInt = bi.replace(/^0+(?=\d)/, '');
  if (aInt.length !== bInt.length) return aInt.length < bInt.length ? -1 : 1;
  const width = Math.max(af.length, bf.length);
  return compare(aInt + af.padEnd(width, '0'), bInt + bf.padEnd(width, '0'));
}

const promptPrice = (m: ModelSummary) => m.pricing?.prompt;

/** Serving, moving, idle: the order staff read a status column in. */
const STATUS_RANK: Record<ModelSummary['status'], number> = {
  Ready: 0,
  Scaling: 1,
  ScaledToZero: 2,
};

const byColumn: Record<
  ModelSortColumn,
  (a: ModelSummary, b: ModelSummary) => number
> = {
  location: (a, b) => compare(a.location, b.location),
  name: (a, b) => compare(a.name, b.name),
  engine: (a, b) => compare(a.engine, b.engine),
  status: (a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status],
  replicas: (a, b) => a.replicas.ready - b.replicas.ready,
  price: (a, b) =>
    compareDecimals(promptPrice(a) ?? '0', promptPrice(b) ?? '0'),
};

/**
 * The order of a Models list: by `sort` (default location, then name) in
 * `order`, ties broken by location and name (always ascending, so paging
 * is stable). Without a price a Model sorts last in either direction: a
 * missing price is not the cheapest one.
 */
export function toModelOrder(
  sort: ModelSortColumn = 'location',
  order: 'asc' | 'desc' = 'asc',
): (a: ModelSummary, b: ModelSummary) => number {
  const sign = order === 'desc' ? -1 : 1;
  // Names and locations are DNS labels: plain code-unit order is exact.
  const tie = (a: ModelSummary, b: ModelSummary) =>
    compare(a.location, b.location) || compare(a.name, b.name);
  return (a, b) => {
    if (sort === 'price') {
      const missing =
        Number(promptPrice(a) === undefined) -
        Number(promptPrice(b) === undefined);
      if (missing !== 0) return missing;
      if (promptPrice(a) === undefined) return tie(a, b);
    }
    return sign * byColumn[sort](a, b) || tie(a, b);
  };
}
