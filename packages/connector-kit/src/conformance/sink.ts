/**
 * The sink conformance suite: one call registers the tests (node:test) that drive a connector's
 * sink through the real runtime (sink-runtime.ts, the broker `npm test` starts, a fresh
 * PostgreSQL store) against its real silo. See SinkConformanceOptions for what the author gives.
 */
import { after, before, describe, test } from 'node:test';
import { testReceiptKey } from '../testing/keys.ts';
import assert from 'node:assert/strict';
import { decodeReceipt, encodeDelivery, type Delivery, type Receipt } from '../../../../core/envelopes.ts';
import { topicNames } from '../../../../core/topics.ts';
import type { Sink, SinkContext, SinkOutcome } from '../contract.ts';
import { startSinkRuntime, type RunningSink } from '../runtime/sink-runtime.ts';
import { testDelivery, type DeliveryInput } from '../testing/deliveries.ts';
import { ensureTestTopics, recordTopics, type Recorder } from '../testing/kafka.ts';
import { CallTracker, eventually, harness as sharedHarness, once, settleTime, type Harness } from './harness.ts';

/** What the suite needs of a delivery; it adds the event id, pivot id, system, route and time. */

/**
 * What a sink connector gives the suite. `Silo` is whatever startSilo() returns (a simulator
 * handle); every other function receives it. All of them may be async.
 */
export interface SinkConformanceOptions<Silo> {
  /** The system name: the suite's title, topics `<prefix>.delivery.<system>`, ledger rows. */
  system: string;
  /** Starts the silo (its simulator, on free ports), once for the whole suite. */
  startSilo(): Promise<Silo>;
  stopSilo(silo: Silo): Promise<void>;
  /**
   * The connector's sink against this silo, built as its index.ts builds it (same client, same
   * mapping). Called once per runner start and once for the direct abort check; the runtime
   * closes the sinks it ran. A batch sink should declare a short window and acknowledgement
   * poll (a few hundred ms) so the suite stays quick.
   */
  createSink(silo: Silo): Sink | Promise<Sink>;
  /**
   * A new delivery the silo will apply, different from every earlier one (seed the citizen it
   * names in the silo first, if the silo needs one). Called for each delivery of each test.
   */
  delivery(silo: Silo): DeliveryInput | Promise<DeliveryInput>;
  /**
   * How many times the silo has applied the event `eventId`, read from the silo's own records
   * (a journal, a table, the mailbox), never from the connector: 0 or 1 for a conforming sink.
   */
  effects(silo: Silo, eventId: string): Promise<number>;
  /** A delivery the silo refuses: its receipt must be `rejected` with a reason matching `reason`. */
  refusal(silo: Silo): { delivery: DeliveryInput; reason: RegExp } | Promise<{ delivery: DeliveryInput; reason: RegExp }>;
  /**
   * A delivery the connector cannot apply and must not retry (data the silo requires is
   * missing): it must be dead-lettered at once, with a `dead_lettered` receipt. Omit it when the
   * sink has no such input (it applies or refuses anything of its types, or, as a batch sink,
   * rejects a record its file format cannot carry). The suite always checks a message that is
   * not a delivery at all.
   */
  poison?(silo: Silo): DeliveryInput | Promise<DeliveryInput>;
  /**
   * Makes the silo stop answering (it accepts the call and never replies, or a proxy holds the
   * bytes) until the returned function is called. The suite checks that the sink gives a stalled
   * call up on its signal, and that the runtime stops within the time limit.
   */
  stall(silo: Silo): Promise<() => Promise<void>>;
  /** The runtime's time limit of one apply (default 1000 ms); a batch window's own timeoutMs wins. */
  timeoutMs?: number;
  /** How long to wait for a receipt (default 15 s). */
  waitMs?: number;
}

/** How much longer than the time limit stopping may take, and how soon a stalled call must give up. */
const ABORT_BOUND_MS = 2000;

/** Registers the sink conformance tests of a connector (one describe block). */
export function sinkConformance<Silo>(options: SinkConformanceOptions<Silo>): void {
  const { system } = options;
  const timeoutMs = options.timeoutMs ?? 1000;
  const waitMs = options.waitMs ?? 15_000;
  const openHarness = sharedHarness(system);
  let harness: Harness;
  let silo: Silo;
  let recorder: Recorder;
  let runner: RunningSink | undefined;
  let batch = false;
  const tracker = new CallTracker();
  const topics = () => topicNames(harness.prefix);

  /** Event ids a batch sink answered `handed_over` for: their receipts must wait for the silo's acknowledgement. */
  const handedOver = new Set<string>();
  const noteHandOvers = (deliveries: Delivery[]) => (outcomes: SinkOutcome[]) => {
    outcomes.forEach((o, i) => o.status === 'handed_over' && deliveries[i] && handedOver.add(deliveries[i].eventId));
    return outcomes;
  };

  async function observed(): Promise<Sink> {
    const sink = await options.createSink(silo);
    const { acknowledgements, batchWindow } = sink;
    return {
      apply: (delivery, context) => tracker.track(() => sink.apply(delivery, context)),
      ...(sink.applyBatch
        ? {
            applyBatch: (deliveries: Delivery[], context: SinkContext) =>
              tracker.track(() => sink.applyBatch!(deliveries, context).then(noteHandOvers(deliveries))),
          }
        : {}),
      ...(batchWindow ? { batchWindow } : {}),
      ...(acknowledgements ? { acknowledgements: { ...acknowledgements, poll: (c, x) => acknowledgements.poll(c, x) } } : {}),
      close: async () => sink.close?.(),
    } satisfies Sink;
  }

  async function start(): Promise<void> {
    runner = await startSinkRuntime({
      system,
      receiptKey: testReceiptKey(system),
      sink: await observed(),
      bus: harness.bus,
      db: harness.database.db,
      topics: topics(),
      groupId: `${harness.prefix}-sink`,
      retry: { maxAttempts: 3, baseMs: 50, maxMs: 200 },
      timeoutMs,
      logger: harness.logger,
    });
    await runner.ready;
  }

  async function stop(): Promise<void> {
    await runner?.stop();
    runner = undefined;
  }

  async function make(input?: DeliveryInput): Promise<Delivery> {
    return testDelivery(system, input ?? (await options.delivery(silo)), 'conformance');
  }

  const publish = (...deliveries: Delivery[]) => harness.bus.publish(deliveries.map((d) => encodeDelivery(d, topics().delivery(system))));
  const receiptsOf = (eventId: string): Receipt[] =>
    recorder.messages.filter((m) => m.topic === topics().receipts && m.headers['ce_id']?.startsWith(eventId)).map((m) => decodeReceipt(m));
  const receipts = (eventId: string, count = 1) =>
    eventually(
      async () => (receiptsOf(eventId).length >= count ? receiptsOf(eventId) : undefined),
      waitMs,
      `${count} receipt(s) of ${eventId}`,
    );
  const dead = (eventId: string) =>
    eventually(
      async () => recorder.messages.find((m) => m.topic === topics().dlq(system) && m.headers['ce_id'] === eventId),
      waitMs,
      `${eventId} on the DLQ`,
    );
  const ledgerOutcome = async (eventId: string): Promise<string | null> =>
    (
      await harness.database.db.query<{ outcome: string }>('SELECT outcome FROM sink_ledger WHERE system = $1 AND event_id = $2', [
        system,
        eventId,
      ])
    ).rows[0]?.outcome ?? null;
  // A delivery whose apply was cut short (a stop, a timeout) first gets an `unknown` receipt —
  // the silo may have applied it — and is settled by the re-apply: wait for that `applied`.
  const assertApplied = async (d: Delivery) => {
    const settled = await eventually(
      async () => {
        const all = receiptsOf(d.eventId);
        return all.some((r) => r.status === 'applied') ? all : undefined;
      },
      waitMs,
      `an applied receipt of ${d.eventId}`,
    );
    assert.ok(
      settled.every((r) => r.status === 'applied' || r.status === 'unknown'),
      `the receipts of ${d.eventId} say applied (after unknown at most): ${settled.map((r) => r.status).join(', ')}`,
    );
    assert.equal(settled.at(-1)?.status, 'applied', `the last receipt of ${d.eventId} says applied`);
    assert.equal(await options.effects(silo, d.eventId), 1, `the silo applied ${d.eventId} once`);
  };

  describe(`${system}: sink conformance`, () => {
    before(async () => {
      harness = await openHarness();
      silo = await options.startSilo();
      const probe = await options.createSink(silo);
      batch = probe.batchWindow !== undefined;
      await probe.close?.();
      await ensureTestTopics(harness.bus, harness.prefix, [system]);
      recorder = await recordTopics(harness.bus, [topics().receipts, topics().dlq(system)]);
      await start();
    });

    after(async () => {
      await stop();
      await recorder?.close();
      await options.stopSilo(silo);
    });

    test("receipts: an applied delivery says applied; a refused one says rejected with the silo's reason", async () => {
      const ok = await make();
      const refusal = await options.refusal(silo);
      const refused = await make(refusal.delivery);
      await publish(ok, refused);
      await assertApplied(ok);
      assert.equal((await receipts(ok.eventId))[0]?.system, system);
      if (batch) assert.ok(handedOver.has(ok.eventId), 'the batch sink handed the delivery over; its receipt followed the acknowledgement');
      const [receipt] = await receipts(refused.eventId);
      assert.equal(receipt?.status, 'rejected', receipt?.reason);
      assert.match(receipt?.reason ?? '', refusal.reason);
      assert.equal(receipt?.attempts, 1, 'a refusal is not retried');
      assert.equal(await options.effects(silo, refused.eventId), 0);
    });

    test("a duplicate delivery has one effect, even when the runtime's ledger lost track of it", async () => {
      const d = await make();
      await publish(d, d);
      await receipts(d.eventId);
      await publish(d);
      await receipts(d.eventId, 2);
      // A crash between the silo's write and the ledger's: only the silo can tell it has it.
      await harness.database.db.query('DELETE FROM sink_ledger WHERE system = $1 AND event_id = $2', [system, d.eventId]);
      const calls = tracker.calls;
      await publish(d);
      await eventually(async () => (await ledgerOutcome(d.eventId)) ?? undefined, waitMs, 'the delivery settled again');
      assert.ok(tracker.calls > calls, 'the sink was called again');
      assert.equal(await ledgerOutcome(d.eventId), 'applied');
      await assertApplied(d);
    });

    test('a poison message is dead-lettered with its reason, and the deliveries after it are applied', async () => {
      await harness.bus.publish([
        {
          topic: topics().delivery(system),
          key: 'poison',
          value: Buffer.from('{not a delivery'),
          headers: { ce_specversion: '1.0', ce_id: 'poison-1' },
        },
      ]);
      const garbage = await dead('poison-1');
      assert.equal(garbage.headers['relais_error_code'], 'EVENT_INVALID');
      const poison = options.poison ? await make(await options.poison(silo)) : undefined;
      const next = await make();
      await publish(...(poison ? [poison] : []), next);
      await assertApplied(next);
      if (!poison) return;
      const [receipt] = await receipts(poison.eventId);
      assert.equal(receipt?.status, 'dead_lettered');
      assert.ok(receipt?.reason, 'the dead_lettered receipt gives a reason');
      const message = await dead(poison.eventId);
      assert.equal(message.headers['relais_error_retriable'], 'false');
      assert.ok(message.headers['relais_error_message'], 'the DLQ message says why');
      assert.equal(await options.effects(silo, poison.eventId), 0);
    });

    test('stop → append → resume: every delivery is applied exactly once', async () => {
      const before = await Promise.all([1, 2, 3].map(() => make()));
      await publish(...before);
      await receipts(before[0]!.eventId);
      await stop();
      const during = await Promise.all([1, 2, 3].map(() => make()));
      await publish(...during);
      await start();
      for (const d of [...before, ...during]) await assertApplied(d);
    });

    test('abort is prompt: a stalled call gives up on its signal, and stop returns within the time limit', async () => {
      const release = once(await options.stall(silo));
      try {
        const direct = await options.createSink(silo);
        const context = (signal: AbortSignal): SinkContext => ({ signal, attempt: 1, logger: harness.logger });
        const d = await make();
        const took = await settleTime(
          (signal) => (direct.applyBatch ? direct.applyBatch([d], context(signal)) : direct.apply(d, context(signal))),
          300,
          ABORT_BOUND_MS,
        );
        const limit = direct.batchWindow?.timeoutMs ?? timeoutMs;
        await direct.close?.();
        assert.ok(
          took < ABORT_BOUND_MS,
          `the stalled call returned ${took.toFixed(0)} ms after its signal aborted (bound ${ABORT_BOUND_MS} ms)`,
        );

        const stalled = await make();
        await publish(stalled);
        await tracker.started(waitMs, 'the sink to be called');
        const started = performance.now();
        await stop();
        const stopping = performance.now() - started;
        assert.ok(stopping < limit + ABORT_BOUND_MS, `stop took ${stopping.toFixed(0)} ms (time limit ${limit} ms)`);
        await release();
        await start();
        await assertApplied(stalled);
      } finally {
        await release();
      }
    });
  });
}
