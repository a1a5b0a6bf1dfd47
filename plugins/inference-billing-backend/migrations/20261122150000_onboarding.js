// @ts-check

/**
 * Customer onboarding:
 *
 * - `onboarding_requests`: one request from the onboard-customer template,
 *   `pending` until an approver decides (`approved`/`rejected`), then
 *   `provisioned`. `task_id` is unique: a scaffolder task that is retried or
 *   recovered after a restart gets its first request back, never a second.
 * - `onboarding_provisioning`: what was created for a request in each
 *   location (Bifrost customer, virtual key, Odoo partner). The key is only
 *   kept as a SHA-256 hash and its last 4 characters.
 * - `onboarding_key_reveals`: the key value encrypted (AES-256-GCM) for a
 *   one-time reveal to the requester; the row is deleted on first read or
 *   when it expires.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('onboarding_requests', table => {
    table.string('id', 36).primary();
    table.string('task_id', 255).nullable().unique();
    table.string('status', 16).notNullable();
    table.string('requested_by', 255).notNullable();
    table.string('created_at', 32).notNullable();
    table.string('expires_at', 32).notNullable();
    table.string('company_name', 255).notNullable();
    table.string('contact_email', 255).notNullable();
    table.string('vat_id', 32).notNullable();
    table.string('country', 2).notNullable();
    // JSON arrays of strings
    table.text('locations').notNullable();
    table.text('allowed_models').notNullable();
    table.integer('budget_usd').notNullable();
    table.integer('requests_per_minute').notNullable();
    table.integer('tokens_per_minute').notNullable();
    table.string('currency', 3).notNullable();
    table.text('notes').nullable();
    table.string('decided_by', 255).nullable();
    table.string('decided_at', 32).nullable();
    table.text('decision_reason').nullable();
    table.index(['status'], 'onboarding_requests_status_idx');
  });
  await knex.schema.createTable('onboarding_provisioning', table => {
    table
      .string('request_id', 36)
      .notNullable()
      .references('id')
      .inTable('onboarding_requests')
      .onDelete('CASCADE');
    table.string('location', 63).notNullable();
    table.string('bifrost_customer_id', 255).nullable();
    table.string('virtual_key_id', 255).nullable();
    table.string('virtual_key_name', 255).nullable();
    table.string('virtual_key_sha256', 64).nullable();
    table.string('virtual_key_last4', 4).nullable();
    table.string('odoo_partner_id', 64).nullable();
    table.string('reveal_id', 36).nullable();
    table.string('updated_at', 32).notNullable();
    table.primary(['request_id', 'location']);
  });
  await knex.schema.createTable('onboarding_key_reveals', table => {
    table.string('id', 36).primary();
    table.string('request_id', 36).notNullable();
    table.string('location', 63).notNullable();
    table.string('owner', 255).notNullable();
    // base64 of iv | tag | ciphertext
    table.text('sealed').notNullable();
    table.string('expires_at', 32).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('onboarding_key_reveals');
  await knex.schema.dropTable('onboarding_provisioning');
  await knex.schema.dropTable('onboarding_requests');
};
