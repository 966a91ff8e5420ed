/**
 * Real databases for tests: each call creates a fresh PostgreSQL database on the server at
 * TEST_DATABASE_URL (migrated), or a fresh in-memory PGlite, and removes it afterwards.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPglite, openPostgres, type Db } from '../../../../core/store/db.ts';
import { migrate } from '../../../../core/store/migrate.ts';

export const serverUrl = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  db: Db;
  /** Set for PostgreSQL: the URL of this test's own database. */
  url?: string;
  drop(): Promise<void>;
}

async function admin(server: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, migrated database on a PostgreSQL server (TEST_DATABASE_URL's unless `server` is
 * given; the benchmarks pass theirs), dropped by drop().
 */
export async function createPostgresDatabase(options: { name?: string; server?: string } = {}): Promise<TestDatabase & { url: string }> {
  const server = options.server ?? serverUrl;
  const name = options.name ?? `relais_test_${randomBytes(6).toString('hex')}`;
  await admin(server, `CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const db = openPostgres(url.toString());
  await migrate(db);
  return {
    db,
    url: url.toString(),
    async drop() {
      await db.close();
      await admin(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

export async function createPgliteDatabase(): Promise<TestDatabase> {
  const db = await openPglite('memory://');
  await migrate(db);
  return { db, drop: () => db.close() };
}

export function createTestDatabase(kind: 'postgres' | 'pglite' = 'postgres'): Promise<TestDatabase> {
  return kind === 'postgres' ? createPostgresDatabase() : createPgliteDatabase();
}
