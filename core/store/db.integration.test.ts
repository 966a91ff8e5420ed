/**
 * The PostgreSQL store's bounded waits and error classes, through a TCP proxy in front of the
 * real server: a store that accepts and never answers fails a query within the timeout (and
 * works again once it answers), a connection cut mid-transaction is a retriable
 * STORE_UNAVAILABLE with nothing stored, and a constraint violation is a STORE_CONFLICT naming
 * the constraint, not an outage.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, faultProxy, type FaultProxy, type TestDatabase } from '@relais/connector-kit/testing';
import { RelaisError } from '../errors.ts';
import { isUniqueViolation, openPostgres, type Db } from './db.ts';

const TIMEOUT_MS = 1000;
let database: TestDatabase;
let proxy: FaultProxy;
let db: Db;

before(async () => {
  database = await createTestDatabase('postgres');
  const url = new URL(database.url!);
  proxy = await faultProxy({ host: url.hostname, port: Number(url.port || 5432) });
  url.host = `${proxy.host}:${proxy.port}`;
  db = openPostgres(url.toString(), { timeoutMs: TIMEOUT_MS, max: 3 });
  await db.query('CREATE TABLE probe (id int PRIMARY KEY, note text)');
});

after(async () => {
  await db?.close().catch(() => undefined);
  await proxy?.close();
  await database?.drop();
});

async function failure(work: Promise<unknown>): Promise<{ error: RelaisError; ms: number }> {
  const started = performance.now();
  try {
    await work;
  } catch (error) {
    assert.ok(error instanceof RelaisError, `a RelaisError, not ${String(error)}`);
    return { error, ms: performance.now() - started };
  }
  assert.fail('expected the call to fail');
}

test('a blackholed store fails queries and transactions within the timeout, then recovers by itself', async () => {
  await db.query('SELECT 1');
  const release = proxy.stall();
  const [query, tx, fresh] = await Promise.all([
    failure(db.query('SELECT 1')),
    failure(db.transaction((t) => t.query('INSERT INTO probe VALUES (1)'))),
    // More callers than the pool holds: the last ones wait for a connection, and that is bounded too.
    failure(Promise.all([db.query('SELECT 2'), db.query('SELECT 3'), db.query('SELECT 4')])),
  ]);
  for (const { error, ms } of [query, tx, fresh]) {
    assert.equal(error.code, 'STORE_UNAVAILABLE');
    assert.equal(error.retriable, true);
    assert.ok(ms < TIMEOUT_MS + 1000 + 500, `failed after ${Math.round(ms)} ms`);
  }
  await release();
  assert.deepEqual((await db.query<{ n: number }>('SELECT 1 AS n')).rows, [{ n: 1 }]);
  assert.equal((await db.query('SELECT * FROM probe')).rowCount, 0, 'the timed-out transaction stored nothing');
});

test('a connection lost mid-transaction is a retriable STORE_UNAVAILABLE, and nothing is stored', async () => {
  const { error } = await failure(
    db.transaction(async (tx) => {
      await tx.query("INSERT INTO probe VALUES (2, 'lost')");
      await proxy.cut();
      await tx.query("INSERT INTO probe VALUES (3, 'lost')");
    }),
  );
  assert.equal(error.code, 'STORE_UNAVAILABLE');
  assert.equal(error.retriable, true);
  await proxy.restore();
  assert.equal((await db.query('SELECT * FROM probe')).rowCount, 0);
});

test('a constraint violation is a STORE_CONFLICT naming the constraint, not an outage', async () => {
  await db.query("INSERT INTO probe VALUES (10, 'first')");
  const { error } = await failure(db.transaction((tx) => tx.query("INSERT INTO probe VALUES (10, 'second')")));
  assert.equal(error.code, 'STORE_CONFLICT');
  assert.equal(error.retriable, false);
  assert.match(error.message, /probe_pkey/);
  assert.doesNotMatch(error.message, /second/, 'no value from the row');
  assert.ok(isUniqueViolation(error));
  const direct = await failure(db.query("INSERT INTO probe VALUES (10, 'third')"));
  assert.equal(direct.error.code, 'STORE_CONFLICT');
});

test('a migration waits for another instance migrating longer than the store timeout, then finds nothing to do', async () => {
  const { migrate } = await import('./migrate.ts');
  const other = openPostgres(database.url!, { timeoutMs: TIMEOUT_MS });
  const direct = openPostgres(database.url!, { timeoutMs: TIMEOUT_MS });
  try {
    // Another instance holds the migration lock for three store timeouts.
    let release: () => void = () => undefined;
    const held = other.withSession(
      async (session) => {
        await session.query('SELECT pg_advisory_lock(7245001)');
        await new Promise<void>((resolve) => (release = resolve));
        await session.query('SELECT pg_advisory_unlock(7245001)');
      },
      { timeoutMs: 60_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = performance.now();
    const migrating = migrate(direct);
    setTimeout(() => release(), 3 * TIMEOUT_MS);
    await migrating;
    await held;
    assert.ok(performance.now() - started >= 2.5 * TIMEOUT_MS, 'it waited for the lock instead of failing');
    assert.equal(await migrate(direct), 0, 'and finds the schema up to date');
    // The pool's other sessions keep the store's short limit.
    const { error } = await failure(direct.query('SELECT pg_sleep(2)'));
    assert.equal(error.code, 'STORE_UNAVAILABLE');
  } finally {
    await other.close();
    await direct.close();
  }
});
