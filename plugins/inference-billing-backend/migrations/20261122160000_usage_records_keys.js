// @ts-check

/**
 * Cheaper keys for `usage_records`, whose two indexes are most of what
 * ingesting a record costs PostgreSQL (COPY of a million records into this
 * table: about 4 s without indexes, 10 to 18 s with them):
 *
 * - The key columns (location, request id, customer, timestamp) are
 *   identifiers and fixed-format ISO timestamps: they compare byte by byte
 *   (collation "C"). Under the database's default collation every comparison
 *   went through the locale's rules: with `en-US`, ingesting a million
 *   records cost PostgreSQL 75% more CPU. String order of the timestamps,
 *   which the ledger relies on, is the same under both.
 * - Key columns are ordered most selective first: the primary key becomes
 *   (request_id, location) and the drill-down index (customer_id, location,
 *   occurred_at), so an insert's comparisons mostly stop at the first column
 *   instead of first comparing the location, which every row of a location
 *   shares. Uniqueness and `ON CONFLICT (location, request_id)` are unchanged
 *   (the conflict target is a set of columns); the drill-down (one customer
 *   of one location over a half-open time range) is still one index range.
 *
 * SQLite compares text as bytes already and cannot change a primary key in
 * place; there only the drill-down index is rebuilt.
 *
 * On PostgreSQL this rebuilds the table's indexes (about a minute per ten
 * million records).
 */

const keyColumns = [
  ['location', 63],
  ['request_id', 255],
  ['occurred_at', 32],
  ['customer_id', 64],
];

/**
 * @param {import('knex').Knex} knex
 * @param {{ collation: string, primaryKey: string[], index: { name: string, columns: string[] }, oldIndex: string }} keys
 */
async function rekey(knex, keys) {
  const postgres = knex.client.dialect === 'postgresql';
  await knex.schema.alterTable('usage_records', table => {
    table.dropIndex([], keys.oldIndex);
    if (postgres) table.dropPrimary('usage_records_pkey');
  });
  if (postgres) {
    await knex.raw(
      `ALTER TABLE usage_records ${keyColumns
        .map(
          ([name, length]) =>
            `ALTER COLUMN ${name} TYPE varchar(${length}) COLLATE ${keys.collation}`,
        )
        .join(', ')}`,
    );
  }
  await knex.schema.alterTable('usage_records', table => {
    if (postgres)
      table.primary(keys.primaryKey, { constraintName: 'usage_records_pkey' });
    table.index(keys.index.columns, keys.index.name);
  });
}

/** @param {import('knex').Knex} knex */
exports.up = knex =>
  rekey(knex, {
    collation: '"C"',
    primaryKey: ['request_id', 'location'],
    index: {
      name: 'usage_records_customer_time_idx',
      columns: ['customer_id', 'location', 'occurred_at'],
    },
    oldIndex: 'usage_records_location_customer_time_idx',
  });

/** @param {import('knex').Knex} knex */
exports.down = knex =>
  rekey(knex, {
    collation: '"default"',
    primaryKey: ['location', 'request_id'],
    index: {
      name: 'usage_records_location_customer_time_idx',
      columns: ['location', 'customer_id', 'occurred_at'],
    },
    oldIndex: 'usage_records_customer_time_idx',
  });
