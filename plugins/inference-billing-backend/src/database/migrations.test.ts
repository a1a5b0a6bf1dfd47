import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { applyDatabaseMigrations } from './migrations';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/** Every table the billing plugin's stores read and write. */
const TABLES = [
  'usage_records',
  'usage_cursors',
  'usage_daily',
  'usage_ledger_marks',
  'invoice_runs',
  'invoices',
  'onboarding_requests',
  'onboarding_provisioning',
  'onboarding_key_reveals',
];

describe.each(databases.eachSupportedId())(
  'applyDatabaseMigrations on %s',
  id => {
    it('creates the ledger, invoicing and onboarding tables once, and again is a no-op', async () => {
      const knex = await databases.init(id);
      const database = mockServices.database.mock({
        getClient: async () => knex,
      });
      expect(await applyDatabaseMigrations(database)).toBe(knex);
      const present = async () =>
        Promise.all(TABLES.map(t => knex.schema.hasTable(t)));
      expect(await present()).toEqual(TABLES.map(() => true));
      const before = await knex('knex_migrations').count({ n: '*' });
      await applyDatabaseMigrations(database);
      expect(await knex('knex_migrations').count({ n: '*' })).toEqual(before);
    });

    it('leaves the schema alone when the deployment skips migrations', async () => {
      const knex = await databases.init(id);
      const database = mockServices.database.mock({
        getClient: async () => knex,
        migrations: { skip: true },
      });
      expect(await applyDatabaseMigrations(database)).toBe(knex);
      expect(await knex.schema.hasTable('usage_records')).toBe(false);
    });
  },
);
