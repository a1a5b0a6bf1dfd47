// @ts-check

/**
 * Ingestion now adds what each batch of new records adds to the rollups
 * instead of recomputing them from the raw records:
 *
 * - `usage_daily.cost` must add exactly in the database: on PostgreSQL it
 *   becomes an unconstrained `numeric` (exact decimal, summed by SQL). SQLite
 *   has no exact decimal type (NUMERIC affinity would turn '0.90000123' into
 *   a binary double), so there it stays text and the plugin adds costs with
 *   decimal.js.
 * - `usage_ledger_marks` holds, per location, the time of its latest stored
 *   record; an ingestion locks that row, so ingestions of a location run one
 *   at a time, and inserts records later than it without a conflict check.
 *
 * Indexes follow the readers: raw records of one customer over a half-open
 * time range (drill-down), rollups of a location by day (usage API, invoice
 * runs). The (location, day) index of raw records had no reader and is
 * dropped (each index slows ingestion). Timestamps are fixed-format ISO
 * strings (`Date.toISOString`), so string order is time order.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  if (knex.client.dialect === 'postgresql') {
    await knex.raw(
      'ALTER TABLE usage_daily ALTER COLUMN cost TYPE numeric USING cost::numeric',
    );
  }
  await knex.schema.alterTable('usage_daily', table => {
    table.index(['location', 'day'], 'usage_daily_location_day_idx');
  });
  await knex.schema.alterTable('usage_records', table => {
    table.dropIndex([], 'usage_records_location_day_idx');
    table.index(
      ['location', 'customer_id', 'occurred_at'],
      'usage_records_location_customer_time_idx',
    );
  });
  await knex.schema.createTable('usage_ledger_marks', table => {
    table.string('location', 63).primary();
    table
      .string('latest_occurred_at', 32)
      .notNullable()
      .defaultTo('')
      .comment('ISO 8601 UTC of the latest stored record of the location');
  });
  await knex.raw(
    `INSERT INTO usage_ledger_marks (location, latest_occurred_at)
     SELECT location, MAX(occurred_at) FROM usage_records GROUP BY location`,
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('usage_ledger_marks');
  await knex.schema.alterTable('usage_records', table => {
    table.dropIndex([], 'usage_records_location_customer_time_idx');
    table.index(['location', 'day'], 'usage_records_location_day_idx');
  });
  await knex.schema.alterTable('usage_daily', table => {
    table.dropIndex([], 'usage_daily_location_day_idx');
  });
  if (knex.client.dialect === 'postgresql') {
    await knex.raw(
      'ALTER TABLE usage_daily ALTER COLUMN cost TYPE varchar(64) USING cost::text',
    );
  }
};
