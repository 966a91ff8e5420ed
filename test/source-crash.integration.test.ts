/**
 * A source process is killed (SIGKILL, by the RELAIS_FAULT_SOURCE_KILL_AFTER_PUBLISH fault)
 * after Kafka acknowledged a round of events and before it saved that round's checkpoint, then
 * restarted: every record arrives downstream, and the real sink runtime applies none twice —
 * although the round before the crash is on the topic twice. Real broker, real PostgreSQL.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readSourceState, startSinkRuntime } from '@relais/connector-kit/runtime';
import type { Sink } from '@relais/connector-kit';
import { linkIdentifier } from '../identity/identity-store.ts';
import { newPivotId, sourceEventId } from '../core/ids.ts';
import { createLogger } from '../core/logger.ts';
import { startRouter } from '../router/router.ts';
import { topicNames } from '../core/topics.ts';
import {
  createTestDatabase,
  ensureTestTopics,
  eventually,
  type Recorder,
  recordTopics,
  testBus,
  type TestDatabase,
  uniquePrefix,
  testReceiptKey,
} from '@relais/connector-kit/testing';
import { crashTestFlows, crashTestSink, crashTestSystem } from './support/source-crash-flows.ts';

const RECORDS = 12;
const PAGE = 4;
const prefix = uniquePrefix('srccrash');
const topics = topicNames(prefix);
const bus = testBus();
const logger = createLogger({ component: 'test', level: 'silent' });
let database: TestDatabase;
const applied: string[] = [];
let events: Recorder;
/** The ids of the events on the topic, duplicates included. */
const onTopic = (): string[] => events.messages.map((m) => m.headers['ce_id'] ?? '');
const stops: (() => Promise<void>)[] = [];
const children = new Set<ChildProcess>();

const sink: Sink = {
  async apply(delivery) {
    applied.push(delivery.eventId);
    return { status: 'applied' };
  },
};

before(async () => {
  database = await createTestDatabase('postgres');
  await ensureTestTopics(bus, prefix, [crashTestSink], 3);
  // Four citizens the register and the services system both know.
  for (let n = 1; n <= 4; n++) {
    const pivot = newPivotId();
    await linkIdentifier(database.db, pivot, crashTestSystem, `CR-${n}`);
    await linkIdentifier(database.db, pivot, crashTestSink, `S-${n}`);
  }
  const router = await startRouter({
    bus,
    db: database.db,
    flows: () => crashTestFlows,
    topics,
    groupId: `${prefix}-router`,
    logger,
    receiptKey: testReceiptKey('router'),
  });
  const sinkRunner = await startSinkRuntime({
    system: crashTestSink,
    receiptKey: testReceiptKey(crashTestSink),
    sink,
    bus,
    db: database.db,
    topics,
    groupId: `${prefix}-sink`,
    retry: { maxAttempts: 3, baseMs: 20, maxMs: 100 },
    timeoutMs: 2000,
    logger,
  });
  events = await recordTopics(bus, [topics.events]);
  await Promise.all([router.ready, sinkRunner.ready]);
  stops.push(
    () => router.stop(),
    () => sinkRunner.stop(),
    () => events.close(),
  );
});

after(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const stop of stops) await stop();
  await bus.close();
  await database.drop();
});

function startChild(extraEnv: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, ['test/support/source-child.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: database.url!,
      CHILD_PREFIX: prefix,
      CHILD_RECORDS: String(RECORDS),
      CHILD_PAGE: String(PAGE),
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

test(
  'killed between publishing and saving its checkpoint, then restarted: every record arrives, none is applied twice',
  { timeout: 120_000 },
  async () => {
    const first = startChild({ RELAIS_FAULT_SOURCE_KILL_AFTER_PUBLISH: '2' });
    const [, signal] = (await once(first, 'exit')) as [number | null, NodeJS.Signals | null];
    assert.equal(signal, 'SIGKILL', 'the fault killed the process');
    assert.equal(
      (await readSourceState(database.db, crashTestSystem)).checkpoint,
      String(PAGE),
      'the second round was published but its checkpoint never saved',
    );

    const second = startChild();
    await eventually(
      async () => ((await readSourceState(database.db, crashTestSystem)).checkpoint === String(RECORDS) ? true : undefined),
      60_000,
      'the restarted source to finish',
    );
    const ids = Array.from({ length: RECORDS }, (_, i) => sourceEventId(crashTestSystem, `act-${i + 1}`));
    await eventually(async () => (ids.every((id) => applied.includes(id)) ? true : undefined), 60_000, 'every record applied downstream');
    const exited = once(second, 'exit') as Promise<[number | null]>;
    second.kill('SIGTERM');
    assert.equal((await exited)[0], 0, 'a graceful stop');

    const secondRound = ids.slice(PAGE, 2 * PAGE);
    for (const id of secondRound)
      assert.equal(onTopic().filter((t) => t === id).length, 2, 'the round before the crash was published twice');
    for (const id of ids) assert.equal(applied.filter((a) => a === id).length, 1, `event ${id} applied exactly once`);
    const stored = await database.db.query<{ count: number }>('SELECT count(*)::int AS count FROM changes WHERE origin_system = $1', [
      crashTestSystem,
    ]);
    assert.equal(stored.rows[0]?.count, RECORDS, 'each record recorded as one change');
    const statuses = await database.db.query<{ status: string }>('SELECT status FROM change_recipients WHERE change_id = ANY($1::uuid[])', [
      ids,
    ]);
    assert.equal(statuses.rows.length, RECORDS);
  },
);
