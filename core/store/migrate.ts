/**
 * Versioned migrations (postgrator, plain SQL in core/store/migrations/), the same files on
 * PostgreSQL and PGlite. On PostgreSQL a session advisory lock makes concurrent starts of
 * several instances safe: one migrates, the others wait and then find nothing to do.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Postgrator from 'postgrator';
import type { Db } from './db.ts';

const migrationsDir = resolve(dirname(fileURLToPath(import.meta.url)), 'migrations');
const MIGRATION_LOCK = 7_245_001;
/**
 * Migrating is not a request: parts started together wait for the one that migrates, and a
 * migration may take its time on a loaded server. The store's short limit (RELAIS_STORE_TIMEOUT_MS)
 * made a router started beside three other parts on a busy machine exit at start.
 */
const MIGRATION_TIMEOUT_MS = 10 * 60_000;

export async function migrate(db: Db): Promise<number> {
  return db.withSession(
    async (session) => {
      if (db.kind === 'postgres') await session.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      try {
        // postgrator looks its version table up by database name, so give it the real one.
        const current = await session.query<{ name: string }>('SELECT current_database() AS name');
        const postgrator = new Postgrator({
          migrationPattern: join(migrationsDir, '*.sql'),
          driver: 'pg',
          database: current.rows[0]?.name ?? 'postgres',
          schemaTable: 'relais_schema_version',
          execQuery: (query: string) => session.query(query),
          execSqlScript: (script: string) => session.exec(script),
        });
        const applied = await postgrator.migrate();
        return applied.length;
      } finally {
        if (db.kind === 'postgres') await session.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
      }
    },
    { timeoutMs: MIGRATION_TIMEOUT_MS },
  );
}
