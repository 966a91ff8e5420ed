/**
 * The waste-management silo's database: the vendor schema (schema.mariadb.sql or
 * schema.postgres.sql) on a real server, or on an embedded PostgreSQL (PGlite) served over the
 * PostgreSQL wire protocol on a TCP port, so the connector reaches both the same way — as a
 * client of a database server — and the quick start needs no server.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { openEmbeddedPostgres } from '../../core/store/db.ts';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { SqlDialect } from '../../protocols/sql/sql-client.ts';

const here = dirname(fileURLToPath(import.meta.url));

export function vendorSchema(dialect: SqlDialect): string {
  return readFileSync(join(here, dialect === 'mariadb' ? 'schema.mariadb.sql' : 'schema.postgres.sql'), 'utf8');
}

function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Creates database `name` on a MariaDB (`mariadb://`, `mysql://`) or PostgreSQL server and loads
 * the vendor schema; returns the new database's URL and a function that drops it.
 */
export async function createVendorDatabase(serverUrl: string, name: string): Promise<{ url: string; drop(): Promise<void> }> {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a database name: ${name}`);
  const url = databaseUrl(serverUrl, name);
  if (/^(mariadb|mysql):/.test(serverUrl)) {
    const options = { uri: serverUrl.replace(/^mariadb:/, 'mysql:'), multipleStatements: true };
    const admin = await mysql.createConnection(options);
    try {
      await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      await admin.query(`USE ${name}; ${vendorSchema('mariadb')}`);
    } finally {
      await admin.end();
    }
    return {
      url,
      async drop() {
        const connection = await mysql.createConnection(options);
        await connection.query(`DROP DATABASE IF EXISTS ${name}`).finally(() => connection.end());
      },
    };
  }
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(vendorSchema('postgres'));
  } finally {
    await client.end();
  }
  return {
    url,
    async drop() {
      const dropper = new pg.Client({ connectionString: serverUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => dropper.end());
    },
  };
}

export interface EmbeddedVendorDatabase {
  /** postgres://… of the wire-protocol server in front of PGlite. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** PGlite (in `dataDir`, or in memory) with the vendor schema, served on 127.0.0.1:`port` (0 = ephemeral). */
export async function startEmbeddedVendorDatabase(options: { dataDir?: string; port?: number } = {}): Promise<EmbeddedVendorDatabase> {
  const lite = await openEmbeddedPostgres(options.dataDir ?? 'memory://');
  const installed = await lite.query<{ present: boolean }>("SELECT to_regclass('public.incident') IS NOT NULL AS present");
  if (!installed.rows[0]?.present) await lite.exec(vendorSchema('postgres'));
  // Several clients (the connector's pool, the desk): the server queues their statements and
  // keeps a client's transaction to itself until it ends.
  const server = new PGLiteSocketServer({ db: lite, host: '127.0.0.1', port: options.port ?? 0, maxConnections: 32 });
  await server.start();
  const port = Number(/:(\d+)$/.exec(server.getServerConn())?.[1]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async close() {
      await server.stop();
      await lite.close();
    },
  };
}
