// @ts-check

/**
 * An approved onboarding request whose provisioning finds a clash (a
 * customer or partner that appeared after the approval) becomes `blocked`
 * instead of staying approved with no way out: `blocked_at` and
 * `blocked_reason` (the step, location and clashes) say why, and stay as
 * history once an approver rejects it or approves it again.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('onboarding_requests', table => {
    table.string('blocked_at', 32).nullable();
    table.text('blocked_reason').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('onboarding_requests', table => {
    table.dropColumn('blocked_reason');
    table.dropColumn('blocked_at');
  });
};
