/**
 * The push source conformance suite: one call registers the tests (node:test) that run a push
 * source (a webhook receiver) on the real runtime (source-runtime.ts: startPushSourceRuntime, the
 * broker `npm test` starts, a fresh PostgreSQL store) with its real silo pushing to it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { topicNames } from '../../../../core/topics.ts';
import type { PushSource, PushSourceContext } from '../contract.ts';
import { startPushSourceRuntime, type RunningPushSource } from '../runtime/source-runtime.ts';
import type { Recorder } from '../testing/kafka.ts';
import { harness as sharedHarness, type Harness } from './harness.ts';
import { flowsOf, openSourceSuite, published } from './published.ts';

/**
 * What a push source connector gives the suite. The silo must push to where the connector
 * listens and retry, as real silos do, while nobody answers; choose the port before startSilo().
 */
export interface PushSourceConformanceOptions<Silo> {
  /** The system name: the suite's title, the events' source `/connectors/<system>`. */
  system: string;
  /** Starts the silo, pushing to the connector's future address; once for the whole suite. */
  startSilo(): Promise<Silo>;
  stopSilo(silo: Silo): Promise<void>;
  /** The connector's push source (as its index.ts builds it), listening where the silo pushes. */
  createPushSource(context: PushSourceContext, silo: Silo): PushSource | null | Promise<PushSource | null>;
  /** Records one change in the silo, which the silo then pushes: exactly one valid event. */
  append(silo: Silo): Promise<void>;
  /** How long to wait for an event (default 15 s). */
  waitMs?: number;
}

/** How soon stop() must return, with a push maybe in flight. */
const STOP_BOUND_MS = 2000;

/** Registers the push source conformance tests of a connector (one describe block). */
export function pushSourceConformance<Silo>(options: PushSourceConformanceOptions<Silo>): void {
  const { system } = options;
  const waitMs = options.waitMs ?? 15_000;
  const flows = flowsOf(system);
  const openHarness = sharedHarness(system);
  let harness: Harness;
  let silo: Silo;
  let recorder: Recorder;
  let runner: RunningPushSource | undefined;
  const events = published(() => recorder, system, waitMs);

  async function start(): Promise<void> {
    runner = await startPushSourceRuntime({
      system,
      bus: harness.bus,
      db: harness.database.db,
      topics: topicNames(harness.prefix),
      flows: () => flows,
      logger: harness.logger,
      create: (context) => options.createPushSource(context, silo),
      // The suite's createPushSource gets its options from the test, not from settings.
      context: { system, settings: {}, logger: harness.logger },
    });
    assert.ok(runner, 'the connector built its push source');
    await runner.ready;
  }

  async function stop(): Promise<void> {
    await runner?.stop();
    runner = undefined;
  }

  describe(`${system}: push source conformance`, () => {
    before(async () => {
      ({ harness, silo, recorder } = await openSourceSuite(openHarness, () => options.startSilo(), system));
    });

    after(async () => {
      await stop();
      await recorder?.close();
      await options.stopSilo(silo);
    });

    test('stop → append → resume: every push is published once, what was pushed while down included', async () => {
      await start();
      await options.append(silo);
      await options.append(silo);
      await events.atLeast(2);
      await stop();
      await options.append(silo);
      await options.append(silo);
      await start();
      await events.exactly(4);
    });

    test('stop is prompt, and a push arriving while stopping is not lost', async () => {
      await options.append(silo);
      const started = performance.now();
      await stop();
      const stopping = performance.now() - started;
      assert.ok(stopping < STOP_BOUND_MS, `stop took ${stopping.toFixed(0)} ms (bound ${STOP_BOUND_MS} ms)`);
      await start();
      await events.exactly(5);
    });
  });
}
