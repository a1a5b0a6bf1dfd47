// @ts-check

/**
 * The usage ledger: one row per Bifrost request (keyed by location and
 * request id, so re-pulling a window adds nothing), the cursor each location's
 * ingestion resumes from, and daily rollups per (location, customer, model,
 * UTC day). Prices are USD per token as decimal strings, snapshotted with the
 * usage they apply to; costs are exact decimal strings.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('usage_records', table => {
    table.string('location', 63).notNullable();
    table.string('request_id', 255).notNullable();
    table.string('occurred_at', 32).notNullable().comment('ISO 8601, UTC');
    table.string('day', 10).notNullable().comment('UTC day, YYYY-MM-DD');
    table.string('customer_id', 64).nullable();
    table.string('virtual_key_id', 64).nullable();
    table.string('provider', 64).notNullable();
    table.string('model', 255).notNullable();
    table.string('status', 16).notNullable();
    table.bigInteger('prompt_tokens').notNullable().defaultTo(0);
    table.bigInteger('completion_tokens').notNullable().defaultTo(0);
    table.string('prompt_price', 40).nullable().comment('USD per token');
    table.string('completion_price', 40).nullable().comment('USD per token');
    table.string('ingested_at', 32).notNullable();
    table.primary(['location', 'request_id']);
    table.index(['location', 'day'], 'usage_records_location_day_idx');
  });
  await knex.schema.createTable('usage_cursors', table => {
    table.string('location', 63).primary();
    table.string('last_timestamp', 32).notNullable();
    table.string('updated_at', 32).notNullable();
  });
  await knex.schema.createTable('usage_daily', table => {
    table.string('location', 63).notNullable();
    table.string('customer_id', 64).notNullable().comment("'' when unknown");
    table.string('model', 255).notNullable();
    table.string('day', 10).notNullable();
    table.integer('requests').notNullable();
    table.bigInteger('prompt_tokens').notNullable();
    table.bigInteger('completion_tokens').notNullable();
    table.string('cost', 64).notNullable().comment('USD, exact decimal');
    table
      .boolean('unpriced')
      .notNullable()
      .comment('some requests had no price');
    table.primary(['location', 'customer_id', 'model', 'day']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('usage_daily');
  await knex.schema.dropTable('usage_cursors');
  await knex.schema.dropTable('usage_records');
};
