// @ts-check

/**
 * The approvals list is searched, filtered and paged in the database:
 * `search_text` holds what a search matches (company, e-mail, VAT, country,
 * requester and id), lower-cased once by the plugin with the same rules as
 * the search words, because SQLite's lower() folds ASCII letters only and
 * would miss a company written with diacritics. Every field in it is fixed
 * when the request is created, so it never needs updating.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('onboarding_requests', table => {
    table.text('search_text').nullable();
    table.index(['created_at'], 'onboarding_requests_created_idx');
  });
  const rows = await knex('onboarding_requests').select(
    'id',
    'company_name',
    'contact_email',
    'vat_id',
    'country',
    'requested_by',
  );
  for (const row of rows) {
    const text = [
      row.company_name,
      row.contact_email,
      row.vat_id,
      row.country,
      row.requested_by,
      row.id,
    ]
      .join(' ')
      .toLocaleLowerCase('en-US');
    await knex('onboarding_requests')
      .where({ id: row.id })
      .update({ search_text: text });
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('onboarding_requests', table => {
    table.dropIndex(['created_at'], 'onboarding_requests_created_idx');
    table.dropColumn('search_text');
  });
};
