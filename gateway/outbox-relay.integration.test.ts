/**
 * The outbox relay's coordination logic on real PostgreSQL, with a recording bus (the Kafka
 * side is proven end to end in test/kafka-outage.integration.test.ts): two relays never publish in parallel
 * and keep id order, a late-committing row is not skipped, a failed publish loses nothing, and a
 * stopped leader hands over.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import type { Bus, OutgoingMessage } from '../core/bus/types.ts';
import { createLogger } from '../core/logger.ts';
import { createTestDatabase, eventually, type TestDatabase } from '@relais/connector-kit/testing';
import { OutboxRelay } from './outbox-relay.ts';
import { listenForOutbox } from './outbox-wake.ts';

let database: TestDatabase;
const logger = createLogger({ component: 'test', level: 'silent' });

class RecordingBus implements Bus {
  published: string[] = [];
  failing = false;
  inFlight = 0;
  maxInFlight = 0;
  async publish(messages: OutgoingMessage[]): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((r) => setTimeout(r, 5));
      if (this.failing) throw new Error('broker down');
      this.published.push(...messages.map((m) => m.key));
    } finally {
      this.inFlight--;
    }
  }
  consume(): never {
    throw new Error('not used');
  }
  async ensureTopics(): Promise<void> {}
  async listTopics(): Promise<string[]> {
    return [];
  }
  async probe(): Promise<void> {}
  async describeGroups(): Promise<[]> {
    return [];
  }
  async topicOffsets(): Promise<[]> {
    return [];
  }
  async close(): Promise<void> {}
}

async function insertRows(keys: string[]): Promise<void> {
  for (const key of keys) {
    await database.db.query(`INSERT INTO outbox (topic, message_key, headers, payload) VALUES ('t', $1, '{}', '{}')`, [key]);
  }
}

const relay = (bus: Bus, instanceId: string, leaseMs = 2000) =>
  new OutboxRelay({ db: database.db, bus, logger, batchSize: 7, pollMs: 20, leaseMs, instanceId });

before(async () => {
  database = await createTestDatabase('postgres');
});
after(() => database.drop());

test('two relays: one publishes at a time, every row once, in id order', async () => {
  await database.db.query('DELETE FROM outbox');
  const bus = new RecordingBus();
  const keys = Array.from({ length: 60 }, (_, i) => `k${String(i).padStart(3, '0')}`);
  await insertRows(keys);
  const a = relay(bus, 'a');
  const b = relay(bus, 'b');
  a.start();
  b.start();
  await eventually(async () => (bus.published.length >= 60 ? true : undefined), 10_000, 'all rows');
  await Promise.all([a.stop(), b.stop()]);
  assert.deepEqual(bus.published, keys);
  assert.equal(bus.maxInFlight, 1);
  assert.equal([a.stats.published, b.stats.published].filter((n) => n > 0).length, 1, 'only the lease holder published');
});

test('a row whose transaction commits after a later row is still published', async () => {
  await database.db.query('DELETE FROM outbox');
  const bus = new RecordingBus();
  const r = relay(bus, 'late');
  const slow = new pg.Client({ connectionString: database.url });
  await slow.connect();
  await slow.query('BEGIN');
  await slow.query(`INSERT INTO outbox (topic, message_key, headers, payload) VALUES ('t', 'early-id-late-commit', '{}', '{}')`);
  await insertRows(['later-id-early-commit']);
  r.start();
  await eventually(async () => (bus.published.includes('later-id-early-commit') ? true : undefined), 5000, 'the committed row');
  await slow.query('COMMIT');
  await slow.end();
  r.nudge();
  await eventually(async () => (bus.published.includes('early-id-late-commit') ? true : undefined), 5000, 'the late row');
  await r.stop();
});

test('a row committed elsewhere wakes the relay through NOTIFY, long before its next poll', async () => {
  await database.db.query('DELETE FROM outbox');
  const bus = new RecordingBus();
  // A poll a minute away: only the notification can explain a publish within seconds.
  const r = new OutboxRelay({ db: database.db, bus, logger, batchSize: 7, pollMs: 60_000, leaseMs: 2000, instanceId: 'listening' });
  r.start();
  await eventually(async () => (r.stats.leader ? true : undefined), 5000, 'the lease');
  let listening!: () => void;
  const listened = new Promise<void>((resolve) => (listening = resolve));
  const wake = listenForOutbox({
    databaseUrl: database.url ?? assert.fail('a PostgreSQL test database has a URL'),
    logger,
    timeoutMs: 3000,
    onWake: () => {
      listening();
      r.nudge();
    },
  });
  await listened;
  // The wake-up on connecting has been spent on an empty outbox; the relay sleeps again.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const other = new pg.Client({ connectionString: database.url });
  await other.connect();
  await other.query(`INSERT INTO outbox (topic, message_key, headers, payload) VALUES ('t', 'notified', '{}', '{}')`);
  await other.end();
  const sent = performance.now();
  await eventually(async () => (bus.published.includes('notified') ? true : undefined), 3000, 'the notified row');
  assert.ok(performance.now() - sent < 3000);
  await wake.stop();
  await r.stop();
});

test('while publishing fails, rows stay unsent with the error; they go out when it works again', async () => {
  await database.db.query('DELETE FROM outbox');
  const bus = new RecordingBus();
  bus.failing = true;
  await insertRows(['x1', 'x2']);
  const r = relay(bus, 'failing');
  r.start();
  await eventually(async () => (r.stats.failures >= 2 ? true : undefined), 5000, 'failures');
  const waiting = await database.db.query<{ n: number; e: string }>(
    'SELECT count(*)::int AS n, max(last_error) AS e FROM outbox WHERE sent_at IS NULL',
  );
  assert.equal(waiting.rows[0]!.n, 2);
  assert.match(waiting.rows[0]!.e, /broker down/);
  assert.equal((await r.backlog()).count, 2);
  bus.failing = false;
  await eventually(async () => (bus.published.length === 2 ? true : undefined), 10_000, 'published after recovery');
  assert.equal((await r.backlog()).count, 0);
  await r.stop();
});

test('a stopping leader hands its lease over at once', async () => {
  await database.db.query('DELETE FROM outbox');
  const bus = new RecordingBus();
  const leader = relay(bus, 'leader', 60_000);
  const standby = relay(bus, 'standby', 60_000);
  leader.start();
  await eventually(async () => (leader.stats.leader ? true : undefined), 5000, 'a leader');
  standby.start();
  await leader.stop();
  await insertRows(['after-handover']);
  await eventually(async () => (bus.published.includes('after-handover') ? true : undefined), 5000, 'the standby to publish');
  assert.equal(standby.stats.leader, true);
  await standby.stop();
});
