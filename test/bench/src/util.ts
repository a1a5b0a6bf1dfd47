import knexFactory, { Knex } from 'knex';

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(
    sorted.length - 1,
    Math.ceil((p / 100) * sorted.length) - 1,
  );
  return sorted[Math.max(0, index)];
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

export function figure(name: string, value: string) {
  process.stdout.write(`${name.padEnd(52)} ${value}\n`);
}

/**
 * A fresh database for one benchmark: PostgreSQL at 127.0.0.1:5432 when it
 * answers (user postgres), else an in-memory SQLite. Dropped afterwards.
 */
export async function benchDatabase(): Promise<{
  knex: Knex;
  kind: string;
  drop(): Promise<void>;
}> {
  const name = `bench_${Date.now()}`;
  const admin = knexFactory({
    client: 'pg',
    connection: {
      host: '127.0.0.1',
      port: 5432,
      user: 'postgres',
      database: 'postgres',
    },
    pool: { min: 0, max: 1 },
  });
  try {
    await admin.raw(`CREATE DATABASE ${name}`);
  } catch {
    await admin.destroy();
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    return { knex, kind: 'SQLite (in memory)', drop: () => knex.destroy() };
  }
  const knex = benchPostgres(name);
  return {
    knex,
    kind: 'PostgreSQL 127.0.0.1:5432',
    drop: async () => {
      await knex.destroy();
      await admin.raw(`DROP DATABASE ${name}`);
      await admin.destroy();
    },
  };
}

/** A client of one database on the benchmarks' PostgreSQL (127.0.0.1:5432, trust auth). */
export function benchPostgres(database: string): Knex {
  return knexFactory({
    client: 'pg',
    connection: { host: '127.0.0.1', port: 5432, user: 'postgres', database },
  });
}
