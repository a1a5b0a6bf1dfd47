// @ts-check

/**
 * Onboarding tells what it created from what existed before (a request
 * named like an existing customer must never take it over):
 *
 * - `bifrost_customer_origin` / `odoo_partner_origin`: `creating` is written
 *   before the create call is sent, `created` once its id is recorded,
 *   `linked` when an approver linked the request to an existing customer or
 *   partner. A retry after a crash between the create call and recording its
 *   id looks the object up only when the origin says `creating`; otherwise a
 *   same-named object is a clash, never adopted. NULL for rows written
 *   before this migration (their ids were recorded by the portal itself).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('onboarding_provisioning', table => {
    table.string('bifrost_customer_origin', 16).nullable();
    table.string('odoo_partner_origin', 16).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('onboarding_provisioning', table => {
    table.dropColumn('odoo_partner_origin');
    table.dropColumn('bifrost_customer_origin');
  });
};
