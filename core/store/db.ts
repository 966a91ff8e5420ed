/**
 * The state store behind one small interface, so the same SQL runs on PostgreSQL (pg, via
 * DATABASE_URL) and on embedded PostgreSQL (PGlite, when no server is configured).
 * Row values are what both drivers agree on: text, uuid (string), jsonb (parsed), timestamptz
 * (Date), int4 (number). Queries cast 64-bit integers to text or int4 themselves.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
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
   * session-level advisory lock while migrating. `timeoutMs` replaces the store's time limit
   * for this session's statements (waiting for the lock, a long migration).
   */
  withSession<T>(work: (session: Queryable & { exec(script: string): Promise<void> }) => Promise<T>, options?: SessionOptions): Promise<T>;
  close(): Promise<void>;
}

function storeError(action: string, error: unknown): RelaisError {
  // PostgreSQL quotes offending values in its messages ("invalid input syntax for type uuid:
  // "SS-000123""); they may be personal data, so messages keep the SQLSTATE and drop literals.
  // The original error stays available as the cause (constraint codes are read from it).
  const sqlState = (error as { code?: unknown }).code;
  const message = (error as Error).message.replace(/"[^"]*"/g, '"…"');
  // Class 23 (integrity constraint violation) is an answer, not an outage: retrying the same
  // statement fails the same way, so it must not read as a 503 with Retry-After.
  if (typeof sqlState === 'string' && sqlState.startsWith('23')) {
    const constraint = (error as { constraint?: unknown }).constraint;
    const named = typeof constraint === 'string' ? ` on constraint ${constraint}` : '';
    return new RelaisError('STORE_CONFLICT', `${action}: conflict${named} (SQLSTATE ${sqlState})`, { cause: error });
  }
  return new RelaisError('STORE_UNAVAILABLE', `${action}: ${message}${typeof sqlState === 'string' ? ` (SQLSTATE ${sqlState})` : ''}`, {
    cause: error,
  });
}

/** Already one of ours (a query inside a transaction failed), or a driver error to classify. */
function asStoreError(action: string, error: unknown): unknown {
  return error instanceof RelaisError ? error : storeError(action, error);
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

/** How long a store may keep a caller waiting (RELAIS_STORE_TIMEOUT_MS). */
export const DEFAULT_STORE_TIMEOUT_MS = 3000;

/**
 * A client whose last query failed below SQL (no answer in time, connection reset) cannot be
 * trusted with the next one: the answer may still arrive, or never. It is destroyed, not pooled.
 */
function connectionBroken(error: unknown): boolean {
  let current: unknown = error;
  while (current instanceof Error) {
    const code = (current as { code?: unknown }).code;
    // A SQLSTATE means the server answered: the session is fine (the transaction is rolled back).
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return false;
    current = current.cause;
  }
  return true;
}

export interface SessionOptions {
  /** The longest wait for one statement of this session, in ms (instead of the store's). */
  timeoutMs?: number;
}

export interface PostgresOptions {
  max?: number;
  /**
   * The longest wait, in ms: for a connection (TCP and the handshake), for a statement on the
   * server (statement_timeout) and, one second later, for any answer at all (a blackholed store
   * never sends the server's cancellation either). Past it the call fails as STORE_UNAVAILABLE.
   */
  timeoutMs?: number;
}

export function openPostgres(url: string, options: PostgresOptions = {}): Db {
  const timeoutMs = options.timeoutMs ?? DEFAULT_STORE_TIMEOUT_MS;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: timeoutMs,
    statement_timeout: timeoutMs,
    query_timeout: timeoutMs + 1000,
    // A peer that vanished (a partition, a host that died) is noticed by the kernel within a
    // minute instead of the default two hours, for idle and LISTENing connections alike.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  // An idle client losing its server must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const wrap = (client: pg.Pool | pg.PoolClient, queryTimeoutMs?: number): Queryable => ({
    async query<R extends object>(text: string, params?: unknown[]): Promise<QueryResult<R>> {
      try {
        // pg reads a per-query query_timeout that its types leave out.
        const config: pg.QueryConfig & { query_timeout?: number } = params === undefined ? { text } : { text, values: params };
        if (queryTimeoutMs !== undefined) config.query_timeout = queryTimeoutMs;
        const result = await client.query(config);
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
      const tx = wrap(client);
      let broken = false;
      try {
        await tx.query('BEGIN');
        const result = await work(tx);
        await tx.query('COMMIT');
        return result;
      } catch (error) {
        // A lost connection rolls the transaction back on the server; asking again would only
        // wait out another timeout. An error thrown by `work` itself still rolls back.
        broken = error instanceof RelaisError && error.code === 'STORE_UNAVAILABLE' && connectionBroken(error);
        if (!broken) await client.query('ROLLBACK').catch(() => (broken = true));
        throw asStoreError('transaction failed', error);
      } finally {
        client.off('error', ignoreCheckedOutError);
        client.release(broken);
      }
    },
    async exec(script) {
      await db.query(script);
    },
    async withSession(work, options = {}) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw storeError('connecting to PostgreSQL', error);
      }
      client.on('error', ignoreCheckedOutError);
      const longer = options.timeoutMs !== undefined;
      try {
        const session = wrap(client, longer ? options.timeoutMs! + 1000 : undefined);
        if (longer) await session.query(`SET statement_timeout = ${Math.floor(options.timeoutMs!)}`);
        return await work({ ...session, exec: async (script) => void (await session.query(script)) });
      } finally {
        client.off('error', ignoreCheckedOutError);
        // A session with its own time limit is not handed back to the pool with it.
        client.release(longer);
      }
    },
    async close() {
      await pool.end();
    },
  };
  return db;
}

/** PGlite in `dir`, 16 MB of shared buffers; a new store's initdb (it grows WASM memory to ~550
 * MiB, never given back) runs in a throwaway process (docs/adr/0039). */
export async function openEmbeddedPostgres(dir: string): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite'); // loaded only by an embedded store
  const conf = { postgresqlconf: ['shared_buffers=16MB'] };
  if (!dir.startsWith('memory://') && !existsSync(join(dir, 'PG_VERSION'))) {
    mkdirSync(dir, { recursive: true });
    const pglite = JSON.stringify(import.meta.resolve('@electric-sql/pglite'));
    const script = `const { PGlite } = await import(${pglite}); await (await PGlite.create(${JSON.stringify(dir)}, ${JSON.stringify(conf)})).close();`;
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
  }
  return PGlite.create(dir, conf);
}

/** `dir` is a directory (created if needed) or `memory://` for a throwaway store. */
export async function openPglite(dir: string): Promise<Db> {
  const lite = await openEmbeddedPostgres(dir);
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
export async function openStore(options: { databaseUrl?: string | undefined; pgliteDir: string; timeoutMs?: number }): Promise<Db> {
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs })
    : openPglite(options.pgliteDir);
}
