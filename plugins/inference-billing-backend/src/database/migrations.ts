import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@internal/backstage-plugin-inference-billing-backend',
  'migrations',
);

/**
 * The billing plugin's one migrations entry point: brings its database (the
 * usage ledger, invoicing and onboarding tables share one folder of
 * migrations) to the latest schema, unless the deployment runs migrations
 * itself (`backend.database.plugin.inference-billing.skipMigrations`), and
 * returns the client every store is built on.
 */
export async function applyDatabaseMigrations(
  database: DatabaseService,
): Promise<Knex> {
  const client = await database.getClient();
  if (!database.migrations?.skip) {
    await client.migrate.latest({ directory: migrationsDir });
  }
  return client;
}
