/**
 * The sink runtime with a scripted sink, on the real broker and a real PostgreSQL ledger:
 * duplicates are applied once, poison messages and non-retriable errors are dead-lettered at
 * once, retryable errors are retried with backoff, and receipts say what happened.
 */
import { after, before, test } from 'node:test';
import { testReceiptKey } from '../testing/keys.ts';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { decodeReceipt, encodeDelivery, type Delivery, type Receipt } from '../../../../core/envelopes.ts';
import { RetryableError } from '../../../../core/errors.ts';
import { createLogger } from '../../../../core/logger.ts';
import { topicNames } from '../../../../core/topics.ts';
import { createTestDatabase, type TestDatabase } from '../testing/databases.ts';
import { ensureTestTopics, recordTopics, testBus, uniquePrefix, type Recorder } from '../testing/kafka.ts';
import { eventually } from '../testing/eventually.ts';
import { testDelivery } from '../testing/deliveries.ts';
import { ADDRESS_CHANGED_V1, NAME_CHANGED_V1 } from '../index.ts';
import type { Sink, SinkOutcome } from '../contract.ts';
import { backoffDelay } from './backoff.ts';
import { startSinkRuntime } from './sink-runtime.ts';

const system = 'scripted';
const prefix = uniquePrefix('sink');
const topics = topicNames(prefix);
const bus = testBus();
let database: TestDatabase;
const applied: string[] = [];
const script = new Map<string, (attempt: number) => SinkOutcome>();
let recorded: { receipts: Recorder; dlq: Recorder };
const receipts = (): Receipt[] => recorded.receipts.messages.map(decodeReceipt);
const dlq = () => recorded.dlq.messages;

/** Deliveries whose first attempt outlasts the runtime's time limit (1 s). */
const hanging = new Set<string>();
const sink: Sink = {
  async apply(delivery, { attempt, signal }) {
    applied.push(`${delivery.eventId}#${attempt}`);
    if (attempt === 1 && hanging.has(delivery.eventId)) await new Promise((resolve) => setTimeout(resolve, 1500, signal));
    const step = script.get(delivery.eventId);
    return step ? step(attempt) : { status: 'applied' };
  },
};

function delivery(eventId = randomUUID()): Delivery {
  return { ...testDelivery(system, { type: ADDRESS_CHANGED_V1, citizenId: 'X1', data: {} }), eventId };
}

let stop: () => Promise<void>;
before(async () => {
  database = await createTestDatabase('postgres');
  await ensureTestTopics(bus, prefix, [system]);
  const runner = await startSinkRuntime({
    system,
    receiptKey: testReceiptKey(system),
    sink,
    bus,
    db: database.db,
    topics,
    groupId: `${prefix}-sink`,
    retry: { maxAttempts: 3, baseMs: 20, maxMs: 50 },
    timeoutMs: 1000,
    logger: createLogger({ component: 'test', level: 'silent' }),
  });
  recorded = { receipts: await recordTopics(bus, [topics.receipts]), dlq: await recordTopics(bus, [topics.dlq(system)]) };
  await runner.ready;
  stop = async () => {
    await runner.stop();
    await Promise.all([recorded.receipts.close(), recorded.dlq.close()]);
  };
});

after(async () => {
  await stop();
  await bus.close();
  await database.drop();
});

const receiptFor = (eventId: string) =>
  eventually(async () => receipts().find((r) => r.eventId === eventId), 15_000, `receipt of ${eventId}`);

test('a delivery published twice is applied once; the duplicate gets its receipt again', async () => {
  const d = delivery();
  await bus.publish([encodeDelivery(d, topics.delivery(system)), encodeDelivery(d, topics.delivery(system))]);
  await eventually(async () => (receipts().filter((r) => r.eventId === d.eventId).length >= 2 ? true : undefined), 15_000, 'two receipts');
  assert.deepEqual(
    applied.filter((a) => a.startsWith(d.eventId)),
    [`${d.eventId}#1`],
  );
  assert.ok(
    receipts()
      .filter((r) => r.eventId === d.eventId)
      .every((r) => r.status === 'applied'),
  );
});

test('a retryable error is retried, then applied; a rejection is final', async () => {
  const flaky = delivery();
  script.set(flaky.eventId, (attempt) => {
    if (attempt < 3) throw new RetryableError('busy');
    return { status: 'applied' };
  });
  const refused = delivery();
  script.set(refused.eventId, () => ({ status: 'rejected', reason: 'not ours' }));
  await bus.publish([encodeDelivery(flaky, topics.delivery(system)), encodeDelivery(refused, topics.delivery(system))]);
  assert.deepEqual(await receiptFor(flaky.eventId).then((r) => [r.status, r.attempts]), ['applied', 3]);
  assert.deepEqual(await receiptFor(refused.eventId).then((r) => [r.status, r.reason, r.attempts]), ['rejected', 'not ours', 1]);
});

test('a non-retriable error is dead-lettered at once, with the cause in the DLQ headers', async () => {
  const bug = delivery();
  script.set(bug.eventId, () => {
    throw new TypeError('cannot read properties of undefined');
  });
  await bus.publish([encodeDelivery(bug, topics.delivery(system))]);
  const receipt = await receiptFor(bug.eventId);
  assert.equal(receipt.status, 'dead_lettered');
  assert.equal(receipt.attempts, 1);
  const dead = await eventually(async () => dlq().find((m) => m.headers['ce_id'] === bug.eventId), 15_000, 'the DLQ message');
  assert.equal(dead.headers['relais_error_code'], 'UNKNOWN');
  assert.match(dead.headers['relais_error_message'] ?? '', /cannot read properties/);
  assert.equal(dead.headers['relais_error_retriable'], 'false');
});

test('a message that is not a delivery is dead-lettered without being applied', async () => {
  const before = applied.length;
  await bus.publish([
    { topic: topics.delivery(system), key: 'k', value: Buffer.from('not json'), headers: { ce_specversion: '1.0', ce_id: 'poison-1' } },
  ]);
  const dead = await eventually(async () => dlq().find((m) => m.headers['ce_id'] === 'poison-1'), 15_000, 'the poison message in the DLQ');
  assert.equal(dead.headers['relais_error_code'], 'EVENT_INVALID');
  assert.equal(dead.headers['relais_poison'], 'true', 'marked poison: the dead-letter view does not offer it for replay');
  assert.equal(applied.length, before);
});

test('a delivery older than one of the same kind already applied for the citizen is superseded, never applied', async () => {
  const pivotId = randomUUID();
  const change = (seq: number, type: string = ADDRESS_CHANGED_V1): Delivery => ({ ...delivery(), pivotId, seq, type });
  const older = change(3);
  const newer = change(5);
  await bus.publish([encodeDelivery(newer, topics.delivery(system))]);
  assert.equal((await receiptFor(newer.eventId)).status, 'applied');
  // A late retry or a replayed dead letter of an older change, and another kind of data.
  const otherKind = change(2, NAME_CHANGED_V1);
  await bus.publish([encodeDelivery(older, topics.delivery(system)), encodeDelivery(otherKind, topics.delivery(system))]);
  const superseded = await receiptFor(older.eventId);
  assert.deepEqual([superseded.status, superseded.attempts], ['superseded', 0]);
  assert.match(superseded.reason ?? '', /\(sequence 5\) was already applied; this one \(sequence 3\)/);
  assert.equal((await receiptFor(otherKind.eventId)).status, 'applied', 'another kind of data is not superseded by an address');
  assert.ok(!applied.some((a) => a.startsWith(older.eventId)), 'the sink never saw the older delivery');
  // Published again, it is answered from the ledger: still superseded, still not applied.
  await bus.publish([encodeDelivery(older, topics.delivery(system))]);
  await eventually(async () => (receipts().filter((r) => r.eventId === older.eventId).length >= 2 ? true : undefined), 15_000, 'again');
  assert.ok(
    receipts()
      .filter((r) => r.eventId === older.eventId)
      .every((r) => r.status === 'superseded'),
  );
  assert.ok(!applied.some((a) => a.startsWith(older.eventId)));
});

test('an apply that timed out reads unknown, then is re-applied (idempotent by event id) and settled as what really happened', async () => {
  const slow = delivery();
  hanging.add(slow.eventId);
  await bus.publish([encodeDelivery(slow, topics.delivery(system))]);
  const statuses = await eventually(
    async () => {
      const seen = receipts().filter((r) => r.eventId === slow.eventId);
      return seen.some((r) => r.status === 'applied') ? seen.map((r) => r.status) : undefined;
    },
    15_000,
    'applied',
  );
  assert.deepEqual(statuses, ['unknown', 'applied']);
  assert.deepEqual(
    applied.filter((a) => a.startsWith(slow.eventId)),
    [`${slow.eventId}#1`, `${slow.eventId}#2`],
    'applied again under the same event id',
  );
});

test('backoff doubles up to the ceiling, with jitter between half and all of it', () => {
  const policy = { maxAttempts: 10, baseMs: 100, maxMs: 1000 };
  assert.equal(
    backoffDelay(1, policy, () => 1),
    100,
  );
  assert.equal(
    backoffDelay(3, policy, () => 1),
    400,
  );
  assert.equal(
    backoffDelay(8, policy, () => 1),
    1000,
  );
  assert.equal(
    backoffDelay(3, policy, () => 0),
    200,
  );
});

test("the batch form gets a partition's deliveries in order, one outcome each; a retryable failure retries the batch", async () => {
  const batchSystem = 'batched';
  await ensureTestTopics(bus, prefix, [batchSystem], 1);
  const calls: string[][] = [];
  let failNext = true;
  const batchSink: Sink = {
    apply: async () => {
      throw new Error('the runtime must use applyBatch');
    },
    async applyBatch(deliveries) {
      calls.push(deliveries.map((d) => d.citizenId));
      if (failNext) {
        failNext = false;
        throw new RetryableError('upload failed');
      }
      return deliveries.map((d) => (d.citizenId === 'refuse-me' ? { status: 'rejected', reason: 'bad record' } : { status: 'applied' }));
    },
  };
  const runner = await startSinkRuntime({
    system: batchSystem,
    receiptKey: testReceiptKey(batchSystem),
    sink: batchSink,
    bus,
    db: database.db,
    topics,
    groupId: `${prefix}-batched`,
    retry: { maxAttempts: 3, baseMs: 20, maxMs: 50 },
    timeoutMs: 1000,
    logger: createLogger({ component: 'test', level: 'silent' }),
  });
  await runner.ready;
  const ids = ['a', 'refuse-me', 'c'].map((citizenId) => ({ ...delivery(), system: batchSystem, citizenId }));
  await bus.publish(ids.map((d) => encodeDelivery(d, topics.delivery(batchSystem))));
  const outcomes = await Promise.all(ids.map((d) => receiptFor(d.eventId).then((r) => [r.status, r.attempts])));
  await runner.stop();
  assert.deepEqual(outcomes, [
    ['applied', 2],
    ['rejected', 2],
    ['applied', 2],
  ]);
  assert.deepEqual(calls.flat().slice(-3), ['a', 'refuse-me', 'c']);
  assert.ok(calls.length >= 2, 'the failed batch was tried again');
});

test('a rejected delivery that appears twice in one batch is applied once and both copies say rejected', async () => {
  const refused = delivery();
  script.set(refused.eventId, () => ({ status: 'rejected', reason: 'twice refused' }));
  await bus.publish([encodeDelivery(refused, topics.delivery(system)), encodeDelivery(refused, topics.delivery(system))]);
  await eventually(
    async () => (receipts().filter((r) => r.eventId === refused.eventId).length >= 2 ? true : undefined),
    15_000,
    'two receipts',
  );
  assert.deepEqual(
    receipts()
      .filter((r) => r.eventId === refused.eventId)
      .map((r) => r.status),
    ['rejected', 'rejected'],
  );
  assert.equal(applied.filter((a) => a.startsWith(refused.eventId)).length, 1);
});

test("citizens are applied side by side, each citizen's deliveries in order", async () => {
  const citizens = [randomUUID(), randomUUID(), randomUUID()];
  const batch = Array.from({ length: 30 }, (_, i) => ({ ...delivery(), pivotId: citizens[i % 3]!, citizenId: `seq-${i}` }));
  const order: string[] = [];
  for (const d of batch) {
    script.set(d.eventId, () => {
      order.push(`${d.pivotId}|${d.citizenId}`);
      return { status: 'applied' };
    });
  }
  await bus.publish(batch.map((d) => encodeDelivery(d, topics.delivery(system))));
  await Promise.all(batch.map((d) => receiptFor(d.eventId)));
  for (const citizen of citizens) {
    const seqs = order.filter((o) => o.startsWith(citizen)).map((o) => Number(o.split('|seq-')[1]));
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
    );
    assert.equal(seqs.length, 10);
  }
});
