/**
 * The state store behind one small interface, so the same SQL runs on PostgreSQL (pg, via
 * DATABASE_URL) and on embedded PostgreSQL (PGlite, when no server is configured).
 * Row values are what both drivers agree on: text, uuid (string), jsonb (parsed), timestamptz
 * (Date), int4 (number). Queries cast 64-bit integers to text or int4 themselves.
 */
import { mkdirSync } from 'node:fs';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { RelaisError } from '../errors.ts';

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface Queryable {
  query<R extends object = Record<string, unknown>>(text: string, params?: unknown[]): Promise<QueryResult<R>>;
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs a multi-statement script (migrations). */
  exec(script: string): Promise<void>;
  /**
   * Runs `work` on one dedicated session (same connection throughout), e.g. to hold a
   * session-level advisory lock while migrating.
   */
  withSession<T>(work: (session: Queryable & { exec(script: string): Promise<void> }) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

function storeError(action: string, error: unknown): RelaisError {
  // PostgreSQL quotes offending values in its messages ("invalid input syntax for type uuid:
  // "SS-000123""); they may be personal data, so messages keep the SQLSTATE and drop literals.
  // The original error stays available as the cause (constraint codes are read from it).
  const sqlState = (error as { code?: unknown }).code;
  const message = (error as Error).message.replace(/"[^"]*"/g, '"…"');
  return new RelaisError('STORE_UNAVAILABLE', `${action}: ${message}${typeof sqlState === 'string' ? ` (SQLSTATE ${sqlState})` : ''}`, {
    cause: error,
  });
}

export function isUniqueViolation(error: unknown): boolean {
  let current: unknown = error;
  while (current instanceof Error) {
    if ((current as { code?: unknown }).code === '23505') return true;
    current = current.cause;
  }
  return false;
}

/**
 * A connection lost while checked out (the server stopped, the database dropped) emits 'error'
 * on its client, not the pool: without a listener that crashes the process. The query in
 * flight fails on its own and the pool drops the broken client on release.
 */
const ignoreCheckedOutError = (): void => undefined;

export function openPostgres(url: string, options: { max?: number } = {}): Db {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
  // An idle client losing its server must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const wrap = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async query<R extends object>(text: string, params?: unknown[]): Promise<QueryResult<R>> {
      try {
        const result = await client.query(text, params);
        return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
      } catch (error) {
        throw storeError('query failed', error);
      }
    },
  });
  const db: Db = {
    kind: 'postgres',
    ...wrap(pool),
    async transaction(work) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw storeError('connecting to PostgreSQL', error);
      }
      client.on('error', ignoreCheckedOutError);
      try {
        await client.query('BEGIN');
        const result = await work(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.off('error', ignoreCheckedOutError);
        client.release();
      }
    },
    async exec(script) {
      await db.query(script);
    },
    async withSession(work) {
      const client = await pool.connect();
      client.on('error', ignoreCheckedOutError);
      try {
        const session = wrap(client);
        return await work({ ...session, exec: async (script) => void (await session.query(script)) });
      } finally {
        client.off('error', ignoreCheckedOutError);
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
  return db;
}

/** `dir` is a directory (created if needed) or `memory://` for a throwaway store. */
export async function openPglite(dir: string): Promise<Db> {
  if (!dir.startsWith('memory://')) mkdirSync(dir, { recursive: true });
  const lite = await PGlite.create(dir);
  const wrap = (client: Pick<PGlite, 'query'>): Queryable => ({
    async query<R extends object>(text: string, params?: unknown[]): Promise<QueryResult<R>> {
      try {
        const result = await client.query<R>(text, params);
        return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
      } catch (error) {
        throw storeError('query failed', error);
      }
    },
  });
  const session = { ...wrap(lite), exec: async (script: string) => void (await lite.exec(script)) };
  return {
    kind: 'pglite',
    ...wrap(lite),
    transaction: (work) => lite.transaction((tx) => work(wrap(tx))),
    exec: session.exec,
    // PGlite has a single session: every call already runs on it.
    withSession: (work) => work(session),
    close: () => lite.close(),
  };
}

/** PostgreSQL when a URL is given, PGlite under `pgliteDir` otherwise. */
export async function openStore(options: { databaseUrl?: string | undefined; pgliteDir: string }): Promise<Db> {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openPglite(options.pgliteDir);
}
