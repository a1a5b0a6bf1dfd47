// @ts-check

/**
 * Dry runs of invoicing (`dry_run` all or validate) are no longer stored:
 * their answer is the only record, so previews never push real runs off the
 * runs list. This drops the ones stored before. Nothing to restore on the
 * way down: they were previews.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  const previews = knex('invoice_runs')
    .whereNot('dry_run', 'none')
    .select('id');
  // Explicitly, not by the foreign key's cascade: SQLite enforces it only
  // with PRAGMA foreign_keys on.
  await knex('invoices').whereIn('run_id', previews).delete();
  await knex('invoice_runs').whereNot('dry_run', 'none').delete();
};

/** @param {import('knex').Knex} _knex */
exports.down = async function down(_knex) {};
