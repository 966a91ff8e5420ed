/**
 * The store's own ceiling in the same run: `pgbench -N` (TPC-B-like without the contended
 * branch/teller updates: 3 writes and a read per transaction, each committed durably) with 16
 * clients on a scratch database of the bench's PostgreSQL server. The gateway's durable
 * changes/s is printed beside it: a change is one transaction of a similar shape.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { serverUrl } from './stack.ts';
import pg from 'pg';

const run = promisify(execFile);

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Transactions/s of `pgbench -N -c 16`, or undefined (with the reason) when pgbench is not installed. */
export async function storeCeiling(seconds: number): Promise<{ tps: number } | { missing: string }> {
  const name = `bench_pgbench_${Date.now().toString(36)}`;
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  try {
    await run('pgbench', ['--version']);
  } catch {
    return { missing: 'pgbench is not installed (Debian: postgresql-client)' };
  }
  await admin(`CREATE DATABASE ${name}`);
  try {
    await run('pgbench', ['-i', '-q', '-s', '1', url.toString()]);
    const { stdout } = await run('pgbench', ['-N', '-c', '16', '-j', '2', '-T', String(seconds), url.toString()]);
    const tps = /tps = ([\d.]+)/.exec(stdout)?.[1];
    if (!tps) throw new Error(`pgbench printed no tps:\n${stdout}`);
    return { tps: Number(tps) };
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}
