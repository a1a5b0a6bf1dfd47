// @ts-check

/**
 * Invoice runs and their invoices.
 *
 * - `invoice_runs`: one row per run of a location and month (`dry_run` all,
 *   validate or none), with its state (`running`, `succeeded`, `failed`),
 *   who or what started it, totals and the error that ended it. While a
 *   `dry_run=none` run works, `lock_key` holds `<location>:<month>`: the
 *   unique index lets only one such run per location and month work at a
 *   time, across backend instances (NULLs do not conflict).
 * - `invoices`: one row per run and customer
 *   with usage, with the lines computed from the daily rollups, our exact and
 *   invoiced totals, the Odoo invoice (id, number, link, totals) and the
 *   state it reached: computed -> created -> posted -> sent (or failed,
 *   skipped). Amounts are exact decimal strings.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('invoice_runs', table => {
    table.string('id', 36).primary();
    table.string('location', 63).notNullable();
    table.string('month', 7).notNullable().comment('YYYY-MM billed');
    table.string('dry_run', 8).notNullable().comment('all | validate | none');
    table
      .string('state', 16)
      .notNullable()
      .comment('running | succeeded | failed');
    table.string('triggered_by', 255).notNullable();
    table.string('currency', 3).notNullable();
    table.string('started_at', 32).notNullable();
    table.string('finished_at', 32).nullable();
    table.integer('invoice_count').notNullable().defaultTo(0);
    table
      .string('total', 64)
      .notNullable()
      .defaultTo('0')
      .comment('invoiced, 2 decimals');
    table.string('exact_total', 64).notNullable().defaultTo('0');
    table.text('error').nullable();
    table.string('lock_key', 80).nullable().unique();
    table.index(
      ['location', 'started_at'],
      'invoice_runs_location_started_idx',
    );
  });
  await knex.schema.createTable('invoices', table => {
    table
      .string('run_id', 36)
      .notNullable()
      .references('id')
      .inTable('invoice_runs')
      .onDelete('CASCADE');
    table.string('customer_id', 64).notNullable();
    table.string('customer_name', 255).notNullable();
    table
      .string('ref', 200)
      .notNullable()
      .comment('IB-<location>-<customer>-<YYYY-MM>');
    table
      .string('state', 16)
      .notNullable()
      .comment('computed | created | posted | sent | failed | skipped');
    table.text('lines').notNullable().comment('JSON');
    table.string('total', 64).notNullable();
    table.string('exact_total', 64).notNullable();
    table.integer('odoo_partner_id').nullable();
    table.integer('odoo_invoice_id').nullable();
    table.string('odoo_name', 64).nullable();
    table.string('odoo_url', 500).nullable();
    table.string('odoo_total', 64).nullable();
    table.string('odoo_state', 16).nullable();
    table.text('note').nullable();
    table.text('error').nullable();
    table.string('updated_at', 32).notNullable();
    table.primary(['run_id', 'customer_id']);
    table.index(['ref'], 'invoices_ref_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('invoices');
  await knex.schema.dropTable('invoice_runs');
};
