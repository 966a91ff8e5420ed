/**
 * The source conformance suite: one call registers the tests (node:test) that drive a polled
 * source through the real runtime (source-runtime.ts, the broker `npm test` starts, a fresh
 * PostgreSQL store) against its real silo. See SourceConformanceOptions for what the author gives.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { topicNames } from '../../../../core/topics.ts';
import { readSourceState } from '../runtime/checkpoints.ts';
import type { Source } from '../contract.ts';
import { startSourceRuntime, type RunningSource } from '../runtime/source-runtime.ts';
import { recordTopics, type Recorder } from '../testing/kafka.ts';
import { sourceEventId } from '../../../../core/ids.ts';
import { parseSourceDeadLetter } from '../runtime/source-dead-letter-message.ts';
import { CallTracker, eventually, harness as sharedHarness, once, settleTime, type Harness } from './harness.ts';
import { flowsOf, openSourceSuite, published } from './published.ts';

/**
 * What a polled source connector gives the suite. `Silo` is whatever startSilo() returns (a
 * simulator handle); every other function receives it. All of them may be async.
 */
export interface SourceConformanceOptions<Silo> {
  /** The system name: the suite's title, the events' source `/connectors/<system>`, the checkpoint's row. */
  system: string;
  /** Starts the silo (its simulator, on free ports), once for the whole suite. */
  startSilo(): Promise<Silo>;
  stopSilo(silo: Silo): Promise<void>;
  /** The connector's source against this silo, built as its index.ts builds it. Called per runner start. */
  createSource(silo: Silo): Source | Promise<Source>;
  /**
   * Records one new change in the silo, as its users would (a death at the town hall, a file
   * dropped by the tax office), that the source must turn into exactly one valid event.
   */
  append(silo: Silo): Promise<void>;
  /**
   * Makes the silo stop answering until the returned function is called: polls then time out
   * (failures the runtime backs off from) and must give up on their signal.
   */
  stall(silo: Silo): Promise<() => Promise<void>>;
  /**
   * Optional: records one change the source cannot publish (its mapping fails, or its event
   * breaks its schema), as a silo's users could. The suite checks that it is dead-lettered to
   * <prefix>.dlq.source.<system> with its raw record, and that the next record still arrives.
   */
  appendUnpublishable?(silo: Silo): Promise<void>;
  /** How long to wait for an event (default 15 s). */
  waitMs?: number;
}

/** How soon a stalled poll must give up once aborted. */
const ABORT_BOUND_MS = 1000;
/** How soon stop() must return, the source's close() included (it may wait for its silo a little). */
const STOP_BOUND_MS = 2000;

/** Registers the source conformance tests of a connector (one describe block). */
export function sourceConformance<Silo>(options: SourceConformanceOptions<Silo>): void {
  const { system } = options;
  const waitMs = options.waitMs ?? 15_000;
  const flows = flowsOf(system);
  const openHarness = sharedHarness(system);
  let harness: Harness;
  let silo: Silo;
  let recorder: Recorder;
  let runner: RunningSource | undefined;
  const tracker = new CallTracker();
  const recordKeys = new Set<string>();

  async function observed(): Promise<Source> {
    const source = await options.createSource(silo);
    return {
      poll: (checkpoint, context) =>
        tracker.track(async () => {
          const result = await source.poll(checkpoint, context);
          for (const event of result.events) recordKeys.add(event.recordKey);
          return result;
        }),
      close: async () => source.close?.(),
    };
  }

  async function start(extra: { timeoutMs?: number; afterPublish?: (rounds: number) => void } = {}): Promise<void> {
    runner = startSourceRuntime({
      system,
      source: await observed(),
      bus: harness.bus,
      db: harness.database.db,
      topics: topicNames(harness.prefix),
      flows: () => flows,
      logger: harness.logger,
      pollMs: 100,
      timeoutMs: extra.timeoutMs ?? 1000,
      backoff: { baseMs: 50, maxMs: 200 },
      afterPublish: extra.afterPublish,
    });
    await runner.ready;
  }

  async function stop(): Promise<void> {
    await runner?.stop();
    runner = undefined;
  }

  const events = published(() => recorder, system, waitMs);

  describe(`${system}: source conformance`, () => {
    before(async () => {
      ({ harness, silo, recorder } = await openSourceSuite(openHarness, () => options.startSilo(), system));
    });

    after(async () => {
      await stop();
      await recorder?.close();
      await options.stopSilo(silo);
    });

    test("stop → append → resume: every record is published once, under an id derived from the silo's key", async () => {
      await start();
      await options.append(silo);
      await options.append(silo);
      await events.atLeast(2);
      await stop();
      assert.notEqual((await readSourceState(harness.database.db, system)).checkpoint, null, 'the checkpoint was saved');
      await options.append(silo);
      await options.append(silo);
      await start();
      await events.exactly(4, recordKeys);
    });

    test('a crash after publishing, before the checkpoint is saved, publishes the same ids again and loses nothing', async () => {
      await stop();
      const saved = (await readSourceState(harness.database.db, system)).checkpoint;
      await options.append(silo);
      await start({
        afterPublish: (rounds) => {
          if (rounds === 1) throw new Error('conformance: crash between publishing and saving the checkpoint');
        },
      });
      const ids = await events.atLeast(6);
      assert.equal(ids[4], ids[5], 'the record came again with the same id');
      await eventually(
        async () => ((await readSourceState(harness.database.db, system)).checkpoint !== saved ? true : undefined),
        waitMs,
        'the checkpoint to move',
      );
      await stop();
      await start();
      await sleep(400);
      assert.equal(events.ids().length, 6, 'nothing more after a restart');
    });

    test('failing polls back off and lose nothing', async () => {
      await stop();
      const release = once(await options.stall(silo));
      try {
        const before = events.ids().length;
        await options.append(silo);
        await start({ timeoutMs: 500 });
        await eventually(async () => ((runner?.health().consecutiveFailures ?? 0) >= 2 ? true : undefined), waitMs, 'two failed polls');
        assert.equal(runner?.health().state, 'failing');
        await release();
        await events.atLeast(before + 1);
        await eventually(async () => (runner?.health().state === 'ok' ? true : undefined), waitMs, 'the source to recover');
        const ids = events.ids().slice(before);
        assert.equal(new Set(ids).size, ids.length, 'no event published twice');
      } finally {
        await release();
      }
    });

    test('abort is prompt: a stalled poll gives up on its signal, and stop returns at once', async () => {
      await stop();
      const release = once(await options.stall(silo));
      try {
        const direct = await options.createSource(silo);
        const checkpoint = (await readSourceState(harness.database.db, system)).checkpoint;
        const took = await settleTime((signal) => direct.poll(checkpoint, { signal, logger: harness.logger }), 300, ABORT_BOUND_MS);
        await direct.close?.();
        assert.ok(
          took < ABORT_BOUND_MS,
          `the stalled poll returned ${took.toFixed(0)} ms after its signal aborted (bound ${ABORT_BOUND_MS} ms)`,
        );
        // A long time limit: only the stop request can end this poll early.
        await start({ timeoutMs: 30_000 });
        await tracker.started(waitMs, 'a poll');
        const started = performance.now();
        await stop();
        const stopping = performance.now() - started;
        assert.ok(stopping < STOP_BOUND_MS, `stop took ${stopping.toFixed(0)} ms (bound ${STOP_BOUND_MS} ms)`);
      } finally {
        await release();
      }
    });

    test(
      'a record it cannot publish is dead-lettered with its raw record; the next one still arrives',
      {
        skip: options.appendUnpublishable ? false : 'no appendUnpublishable given',
      },
      async () => {
        await stop();
        const deadLetters = await recordTopics(harness.bus, [topicNames(harness.prefix).sourceDlq(system)]);
        try {
          const before = events.ids().length;
          await options.appendUnpublishable!(silo);
          await options.append(silo);
          await start();
          await events.atLeast(before + 1);
          const [letter] = await eventually(
            async () => (deadLetters.messages.length > 0 ? deadLetters.messages : undefined),
            waitMs,
            'a source dead letter',
          );
          assert.equal(letter!.headers['relais_kind'], 'source');
          assert.equal(letter!.headers['relais_error_code'], 'EVENT_INVALID');
          const value = parseSourceDeadLetter(letter!.value.toString('utf8'));
          assert.ok(value, 'the value is a source dead letter');
          assert.notEqual(value.raw, null, 'the record as read is kept (give SourceEvent.raw or UnmappedRecord.raw)');
          assert.equal(letter!.headers['ce_id'], sourceEventId(system, value.recordKey));
          // Counted once the round's publish has returned, which may be after the letter is read here.
          await eventually(async () => (runner?.health().invalid === 1 ? true : undefined), waitMs, 'the dead letter counted');
        } finally {
          await deadLetters.close();
        }
      },
    );
  });
}
