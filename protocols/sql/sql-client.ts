/**
 * One small SQL interface over the vendor databases that SQL connectors and simulators talk
 * to: MariaDB/MySQL (mysql2) and PostgreSQL or PGlite served over the wire (pg). Statements
 * are written once with `?` placeholders (turned into `$n` for PostgreSQL), and rows come back
 * in one shape whatever the driver:
 *   DATE → 'YYYY-MM-DD' string; DATETIME / timestamp without time zone → Date, read as UTC;
 *   INT → number. (Keep 64-bit integers and booleans out of shared statements.)
 *
 * Errors are Relais errors with no quoted values (drivers quote the offending data, which may
 * be personal): a lost or refused connection, a deadlock, a lock wait timeout or a
 * serialization failure is a RetryableError (SILO_UNAVAILABLE); anything else is SQL_FAILED,
 * not retriable. isDuplicateKey() recognises a unique violation on both.
 */
import mysql from 'mysql2/promise';
import pg from 'pg';
import { unlessAborted } from '../../core/abort.ts';
import { isRetriable, RelaisError, RetryableError } from '../../core/errors.ts';

export type SqlDialect = 'mariadb' | 'postgres';
export type SqlValue = string | number | Date | null;

export interface SqlResult<R> {
  rows: R[];
  affectedRows: number;
}

export interface SqlQueryable {
  readonly dialect: SqlDialect;
  query<R extends object = Record<string, unknown>>(sql: string, params?: SqlValue[]): Promise<SqlResult<R>>;
  /** Runs an INSERT and returns the generated key of `idColumn` (insertId, or RETURNING). */
  insert(sql: string, params: SqlValue[], idColumn: string): Promise<number>;
}

export interface SqlClient extends SqlQueryable {
  /**
   * Runs `work` in one transaction on one connection: committed if it resolves, rolled back if
   * it throws. When `signal` aborts first, the connection is destroyed, so the server rolls the
   * transaction back instead of committing it after the caller gave up.
   */
  transaction<T>(work: (tx: SqlQueryable) => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Runs a multi-statement script (a schema). */
  exec(script: string): Promise<void>;
  close(): Promise<void>;
}

export interface SqlClientOptions {
  /** Connections in the pool (default 5). */
  max?: number;
  connectTimeoutMs?: number;
}

// Connection-level failures: the statement may work on a new connection later.
const transientSqlStates = /^(08|40|53|57)/;
const transientMariaDbErrnos = new Set([1040, 1053, 1205, 1213, 1927, 2002, 2003, 2006, 2013]);

function describeDriverError(error: unknown): { message: string; retriable: boolean; state?: string } {
  const e = error as { code?: unknown; errno?: unknown; sqlState?: unknown; fatal?: unknown; message?: unknown };
  const state =
    typeof e.sqlState === 'string' ? e.sqlState : typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const message = String(e.message ?? error)
    .replace(/'[^']*'/g, "'…'")
    .replace(/"[^"]*"/g, '"…"')
    .slice(0, 300);
  const retriable =
    e.fatal === true ||
    (state !== undefined && transientSqlStates.test(state)) ||
    (typeof e.errno === 'number' && transientMariaDbErrnos.has(e.errno)) ||
    (code !== undefined && /^(E[A-Z]+|PROTOCOL_CONNECTION_LOST|PROTOCOL_SEQUENCE_TIMEOUT)$/.test(code)) ||
    /Connection terminated|connection timeout|Too many connections|Pool is closed/i.test(message);
  return { message: `${message}${state ? ` (SQLSTATE ${state})` : code ? ` (${code})` : ''}`, retriable, ...(state ? { state } : {}) };
}

/** The Relais error for a driver's error while `action` (e.g. "querying incident"). */
export function sqlError(action: string, error: unknown): RelaisError {
  if (error instanceof RelaisError) return error;
  const { message, retriable } = describeDriverError(error);
  return retriable
    ? new RetryableError(`${action}: ${message}`, { cause: error })
    : new RelaisError('SQL_FAILED', `${action}: ${message}`, { cause: error });
}

async function driver<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw sqlError(action, error);
  }
}

/**
 * A pool's connection, given up when `signal` aborts first (a server that accepts the TCP
 * connection and never answers must not hold a caller who gave up); one that comes later is
 * discarded.
 */
async function acquire<C>(connect: () => Promise<C>, discard: (connection: C) => void, signal?: AbortSignal): Promise<C> {
  const pending = connect();
  try {
    return await unlessAborted(pending, signal);
  } catch (error) {
    pending.then(discard, () => undefined);
    if (signal?.aborted) throw new RetryableError('connecting to the database: the caller gave up');
    throw error;
  }
}

export function isDuplicateKey(error: unknown): boolean {
  let current: unknown = error;
  while (current instanceof Error) {
    const e = current as { code?: unknown; errno?: unknown };
    if (e.code === '23505' || e.code === 'ER_DUP_ENTRY' || e.errno === 1062) return true;
    current = current.cause;
  }
  return false;
}

/** `?` → `$1, $2…`, leaving question marks inside quoted literals alone. */
export function toPostgresPlaceholders(sql: string): string {
  let n = 0;
  let quote: string | undefined;
  let out = '';
  for (const char of sql) {
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === '?') {
      out += `$${++n}`;
      continue;
    }
    out += char;
  }
  return out;
}

function mariaDbClient(url: URL, options: SqlClientOptions): SqlClient {
  const pool = mysql.createPool({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.slice(1)) || undefined,
    connectionLimit: options.max ?? 5,
    connectTimeout: options.connectTimeoutMs ?? 5000,
    timezone: 'Z',
    dateStrings: ['DATE'],
    multipleStatements: false,
    charset: 'utf8mb4',
  });
  // An idle connection losing its server must not crash the process; the next query reconnects.
  pool.on('connection', (connection) => connection.on('error', () => undefined));
  const wrap = (target: mysql.Pool | mysql.PoolConnection): SqlQueryable => ({
    dialect: 'mariadb',
    async query<R extends object>(sql: string, params: SqlValue[] = []): Promise<SqlResult<R>> {
      try {
        const [result] = await target.query(sql, params);
        if (Array.isArray(result)) return { rows: result as R[], affectedRows: result.length };
        return { rows: [], affectedRows: (result as mysql.ResultSetHeader).affectedRows };
      } catch (error) {
        throw sqlError('MariaDB statement failed', error);
      }
    },
    async insert(sql, params) {
      try {
        const [result] = await target.query<mysql.ResultSetHeader>(sql, params);
        return result.insertId;
      } catch (error) {
        throw sqlError('MariaDB insert failed', error);
      }
    },
  });
  return {
    ...wrap(pool),
    async transaction(work, signal) {
      let connection: mysql.PoolConnection;
      try {
        connection = await acquire(
          () => pool.getConnection(),
          (late) => late.destroy(),
          signal,
        );
      } catch (error) {
        throw sqlError('connecting to MariaDB', error);
      }
      const abort = (): void => connection.destroy();
      signal?.addEventListener('abort', abort, { once: true });
      let broken = false;
      try {
        await driver('starting a MariaDB transaction', () => connection.beginTransaction());
        const result = await work(wrap(connection));
        await driver('committing a MariaDB transaction', () => connection.commit());
        return result;
      } catch (error) {
        broken = signal?.aborted === true || isRetriable(error);
        await connection.rollback().catch(() => undefined);
        throw error;
      } finally {
        signal?.removeEventListener('abort', abort);
        if (broken) connection.destroy();
        else connection.release();
      }
    },
    async exec(script) {
      const connection = await mysql.createConnection({
        uri: url.toString().replace(/^mariadb:/, 'mysql:'),
        multipleStatements: true,
        timezone: 'Z',
      });
      try {
        await connection.query(script);
      } catch (error) {
        throw sqlError('running a MariaDB script', error);
      } finally {
        await connection.end();
      }
    },
    close: () => pool.end(),
  };
}

const utcTimestamp = (value: string): Date => new Date(`${value.replace(' ', 'T')}Z`);

function postgresClient(url: string, options: SqlClientOptions): SqlClient {
  // OIDs of timestamp without time zone (1114) and date (1082): read as UTC and as text.
  const parsers = new Map<number, (value: string) => unknown>([
    [1114, utcTimestamp],
    [1082, (value: string) => value],
  ]);
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
      parsers.get(oid) ?? (pg.types.getTypeParser(oid, format ?? 'text') as unknown)) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 5,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    types,
  });
  pool.on('error', () => undefined);
  const wrap = (target: pg.Pool | pg.PoolClient): SqlQueryable => ({
    dialect: 'postgres',
    async query<R extends object>(sql: string, params: SqlValue[] = []): Promise<SqlResult<R>> {
      try {
        const result = await target.query(toPostgresPlaceholders(sql), params);
        return { rows: result.rows as R[], affectedRows: result.rowCount ?? 0 };
      } catch (error) {
        throw sqlError('PostgreSQL statement failed', error);
      }
    },
    async insert(sql, params, idColumn) {
      try {
        const result = await target.query<Record<string, number>>(`${toPostgresPlaceholders(sql)} RETURNING ${idColumn}`, params);
        return Number(result.rows[0]?.[idColumn]);
      } catch (error) {
        throw sqlError('PostgreSQL insert failed', error);
      }
    },
  });
  return {
    ...wrap(pool),
    async transaction(work, signal) {
      let client: pg.PoolClient;
      try {
        client = await acquire(
          () => pool.connect(),
          (late) => late.release(true),
          signal,
        );
      } catch (error) {
        throw sqlError('connecting to PostgreSQL', error);
      }
      // A connection destroyed while checked out emits 'error' on its client, not the pool.
      const ignore = (): void => undefined;
      client.on('error', ignore);
      // Destroying the connection is what makes the server roll back at once.
      const abort = (): void => (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      signal?.addEventListener('abort', abort, { once: true });
      let broken = false;
      try {
        await driver('starting a PostgreSQL transaction', () => client.query('BEGIN'));
        const result = await work(wrap(client));
        await driver('committing a PostgreSQL transaction', () => client.query('COMMIT'));
        return result;
      } catch (error) {
        broken = signal?.aborted === true || isRetriable(error);
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        signal?.removeEventListener('abort', abort);
        if (!broken) client.off('error', ignore);
        client.release(broken);
      }
    },
    async exec(script) {
      try {
        await pool.query(script);
      } catch (error) {
        throw sqlError('running a PostgreSQL script', error);
      }
    },
    close: () => pool.end(),
  };
}

/** `mariadb://` or `mysql://` → MariaDB; `postgres://` or `postgresql://` → PostgreSQL (or PGlite served over the wire). */
export function openSqlClient(url: string, options: SqlClientOptions = {}): SqlClient {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RelaisError('CONFIG_INVALID', 'a SQL database URL must be mariadb://, mysql:// or postgres://');
  }
  switch (parsed.protocol) {
    case 'mariadb:':
    case 'mysql:':
      return mariaDbClient(parsed, options);
    case 'postgres:':
    case 'postgresql:':
      return postgresClient(url, options);
    default:
      throw new RelaisError('CONFIG_INVALID', `unsupported SQL database URL scheme ${parsed.protocol} (mariadb:, mysql:, postgres:)`);
  }
}

/** The database's current UTC time, to the millisecond, as SQL (DATETIME(3) / TIMESTAMP(3) columns hold UTC). */
export function utcNowSql(dialect: SqlDialect): string {
  return dialect === 'mariadb' ? 'UTC_TIMESTAMP(3)' : "(clock_timestamp() AT TIME ZONE 'utc')";
}

/** A timestamp column read back as text with all its digits, in the server's own precision. */
export function timestampTextSql(dialect: SqlDialect, column: string): string {
  return dialect === 'mariadb' ? `DATE_FORMAT(${column}, '%Y-%m-%d %H:%i:%s.%f')` : `to_char(${column}, 'YYYY-MM-DD HH24:MI:SS.US')`;
}
