/**
 * The batch-window runtime with a scripted batch sink, on the real broker and a real PostgreSQL
 * store: deliveries wait for a window (size or age), stay `delivered` when handed over, settle
 * when the acknowledgement arrives (the checkpoint saved after the receipts), and are
 * dead-lettered with the reason when no acknowledgement comes before the deadline.
 */
import { after, before, test } from 'node:test';
import { testReceiptKey } from '../testing/keys.ts';
import assert from 'node:assert/strict';
import { decodeReceipt, encodeDelivery, type Delivery, type Receipt } from '../../../../core/envelopes.ts';
import { createLogger } from '../../../../core/logger.ts';
import { topicNames } from '../../../../core/topics.ts';
import { createTestDatabase, type TestDatabase } from '../testing/databases.ts';
import { ensureTestTopics, recordTopics, testBus, uniquePrefix, type Recorder } from '../testing/kafka.ts';
import { eventually } from '../testing/eventually.ts';
import { testDelivery } from '../testing/deliveries.ts';
import { ADDRESS_CHANGED_V1 } from '../index.ts';
import { asCheckpoint, type Acknowledgement, type Sink } from '../contract.ts';
import { startSinkRuntime, type RunningSink } from './sink-runtime.ts';

const system = 'batchy';
const prefix = uniquePrefix('window');
const topics = topicNames(prefix);
const bus = testBus();
let database: TestDatabase;
let runner: RunningSink;
let recorded: { receipts: Recorder; dlq: Recorder };
const receipts = (): Receipt[] => recorded.receipts.messages.map(decodeReceipt);
const dlq = () => recorded.dlq.messages;
const windows: string[][] = [];
/** The scripted silo's answers, by event id, released to the poller when `answered` says so. */
const answers: Acknowledgement[] = [];
const polledWith: (string | null)[] = [];

const sink: Sink = {
  apply: async () => {
    throw new Error('a batch sink is only called through applyBatch');
  },
  async applyBatch(deliveries) {
    windows.push(deliveries.map((d) => d.eventId));
    const file = `file-${windows.length}`;
    return deliveries.map((d) =>
      d.citizenId === 'unwritable'
        ? { status: 'rejected', reason: 'tax format: streetName: U+6771 has no ISO-8859-15 form' }
        : { status: 'handed_over', reference: file },
    );
  },
  batchWindow: { maxRecords: 3, maxAgeMs: 400 },
  acknowledgements: {
    pollIntervalMs: 100,
    deadlineMs: 2000,
    async poll(checkpoint) {
      polledWith.push(checkpoint);
      const seen = Number(checkpoint ?? '0');
      return { acknowledgements: answers.slice(seen), checkpoint: asCheckpoint(String(answers.length)) };
    },
  },
};

const delivery = (citizenId = 'X1'): Delivery => testDelivery(system, { type: ADDRESS_CHANGED_V1, citizenId, data: {} });

before(async () => {
  database = await createTestDatabase('postgres');
  await ensureTestTopics(bus, prefix, [system]);
  runner = await startSinkRuntime({
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
});

after(async () => {
  await runner.stop();
  await Promise.all([recorded.receipts.close(), recorded.dlq.close()]);
  await bus.close();
  await database.drop();
});

const receiptFor = (eventId: string, timeoutMs = 15_000) =>
  eventually(async () => receipts().find((r) => r.eventId === eventId), timeoutMs, `receipt of ${eventId}`);
const windowWith = (eventId: string) =>
  eventually(async () => windows.find((w) => w.includes(eventId)), 15_000, `a window with ${eventId}`);

test('a full window is handed over at once; receipts wait for the acknowledgement, then say applied or rejected', async () => {
  const batch = [delivery(), delivery('unwritable'), delivery()];
  await bus.publish(batch.map((d) => encodeDelivery(d, topics.delivery(system))));
  const window = await windowWith(batch[0]!.eventId);
  assert.deepEqual([...window].sort(), batch.map((d) => d.eventId).sort());
  // The record the format cannot carry is settled at once; the others wait for the silo.
  assert.equal((await receiptFor(batch[1]!.eventId)).status, 'rejected');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(receipts().filter((r) => r.eventId === batch[0]!.eventId || r.eventId === batch[2]!.eventId).length, 0);
  const inflight = await database.db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM sink_inflight WHERE system = $1 AND handed_over_at IS NOT NULL AND reference = 'file-1'",
    [system],
  );
  assert.equal(inflight.rows[0]!.n, 2);

  answers.push(
    { eventId: batch[0]!.eventId, outcome: { status: 'applied' } },
    { eventId: batch[2]!.eventId, outcome: { status: 'rejected', reason: 'tax office refused (E101): CONTRIBUABLE INCONNU' } },
  );
  assert.equal((await receiptFor(batch[0]!.eventId)).status, 'applied');
  const refused = await receiptFor(batch[2]!.eventId);
  assert.deepEqual([refused.status, refused.reason], ['rejected', 'tax office refused (E101): CONTRIBUABLE INCONNU']);
  const saved = await eventually(
    async () => {
      const rows = await database.db.query<{ checkpoint: string }>('SELECT checkpoint FROM sink_ack_checkpoints WHERE system = $1', [
        system,
      ]);
      return rows.rows[0]?.checkpoint === String(answers.length) ? true : undefined;
    },
    5000,
    'the checkpoint saved',
  );
  assert.ok(saved);
  await eventually(
    async () => (polledWith.at(-1) === String(answers.length) ? true : undefined),
    5000,
    'the poller given the saved checkpoint',
  );
  const left = await database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM sink_inflight WHERE system = $1', [system]);
  assert.equal(left.rows[0]!.n, 0);
});

test('a window that does not fill is handed over when its oldest delivery is old enough', async () => {
  const lone = delivery();
  const published = Date.now();
  await bus.publish([encodeDelivery(lone, topics.delivery(system))]);
  await windowWith(lone.eventId);
  assert.ok(Date.now() - published >= 350, "not before the window's age");
  answers.push({ eventId: lone.eventId, outcome: { status: 'applied' } });
  assert.equal((await receiptFor(lone.eventId)).status, 'applied');
});

test('a delivery read twice while in flight is handed over once', async () => {
  const twice = delivery();
  await bus.publish([encodeDelivery(twice, topics.delivery(system))]);
  await windowWith(twice.eventId);
  await bus.publish([encodeDelivery(twice, topics.delivery(system))]);
  await new Promise((r) => setTimeout(r, 900));
  assert.equal(windows.filter((w) => w.includes(twice.eventId)).length, 1);
  answers.push({ eventId: twice.eventId, outcome: { status: 'applied' } });
  assert.equal((await receiptFor(twice.eventId)).status, 'applied');
});

test('no acknowledgement before the deadline: dead-lettered with the reason, the original in the DLQ', async () => {
  const forgotten = delivery();
  await bus.publish([encodeDelivery(forgotten, topics.delivery(system))]);
  const window = await windowWith(forgotten.eventId);
  const receipt = await receiptFor(forgotten.eventId, 10_000);
  assert.equal(receipt.status, 'dead_lettered');
  assert.equal(receipt.reason, `no acknowledgement from ${system} for file-${windows.indexOf(window) + 1} within 2000 ms`);
  const dead = await eventually(async () => dlq().find((m) => m.headers['ce_id'] === forgotten.eventId), 10_000, 'the DLQ message');
  assert.equal(dead.headers['relais_error_code'], 'SILO_ACK_OVERDUE');
  assert.equal((JSON.parse(dead.value.toString()) as { citizenId: string }).citizenId, 'X1');
});

test("a whole-file refusal (by reference) dead-letters its deliveries with the silo's reason", async () => {
  const refusedFile = delivery();
  await bus.publish([encodeDelivery(refusedFile, topics.delivery(system))]);
  const window = await windowWith(refusedFile.eventId);
  answers.push({
    reference: `file-${windows.indexOf(window) + 1}`,
    outcome: { status: 'dead_lettered', reason: 'tax office refused the file (F202): SOMME DE CONTROLE FAUSSE' },
  });
  const receipt = await receiptFor(refusedFile.eventId);
  assert.deepEqual([receipt.status, receipt.reason], ['dead_lettered', 'tax office refused the file (F202): SOMME DE CONTROLE FAUSSE']);
  const dead = await eventually(async () => dlq().find((m) => m.headers['ce_id'] === refusedFile.eventId), 10_000, 'the DLQ message');
  assert.equal(dead.headers['relais_error_code'], 'SILO_REFUSED');
});
