/**
 * The source runtime: drives a connector's Source (polled) or PushSource (pushed) with
 * everything a connector must not re-implement (see contract.ts for the author's side).
 *
 * Polled sources, one poll at a time:
 *   1. at start, reads the system's saved checkpoint (source_checkpoints; null the first time);
 *   2. poll(checkpoint) with a time limit (its signal aborts on timeout and on stop);
 *   3. publishes the returned events (source-publisher.ts: validated, identity resolved, id
 *      derived from the record key, recorded as a change, published, Kafka's ack awaited);
 *   4. only then saves the returned checkpoint. A crash between 3 and 4 polls again from the
 *      older checkpoint: the same records give the same event ids, downstream applies nothing
 *      twice, and the change is recorded once;
 *   5. polls again at once when the round moved the checkpoint (more pages may wait), after
 *      the poll interval otherwise.
 * Records the connector could not map (`unmapped`) and events breaking their schema are
 * dead-lettered in step 3, with the round's events: the checkpoint moves past them, and only
 * once Kafka acknowledged their dead letters. Before each poll, the re-drives an operator asked
 * for are done (source-dead-letters.ts).
 * A failing round (poll throws or times out, the store or Kafka fails) saves nothing and is
 * tried again after an exponential, capped, jittered backoff; the failure streak is the
 * source's health (health(), and source_checkpoints for other processes) and is logged on the
 * first failure, every tenth, and on recovery. Nothing is ever skipped because of a failure.
 *
 * Stop (stop() or the `signal` option): the poll in hand is aborted through its signal; a round
 * whose poll already returned finishes (publish, then checkpoint) before the runner returns.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describeError, RelaisError } from '../../../../core/errors.ts';
import { backoffDelay, withTimeLimit, type BackoffPolicy } from './backoff.ts';
import { forgetExpiredNonces, readSourceState, recordNonce, recordSourceHealth, saveCheckpoint } from './checkpoints.ts';
import type { Checkpoint, PollResult, PushSource, PushSourceContext, Source } from '../contract.ts';
import { createSourcePublisher, type SourcePublisher, type SourcePublisherOptions } from './source-publisher.ts';
import { redrivePending } from './source-dead-letters.ts';

export type { SourceMetrics } from './source-publisher.ts';

export interface SourceRuntimeOptions extends SourcePublisherOptions {
  source: Source;
  /** Wait between polls when nothing new came. */
  pollMs: number;
  /** Time limit of one poll. */
  timeoutMs: number;
  backoff: BackoffPolicy;
  /** Stops the runner when aborted (as stop() does). */
  signal?: AbortSignal | undefined;
  /**
   * Called after Kafka acknowledged a round's events and before its checkpoint is saved, with
   * the count of such rounds so far. Crash tests use it to kill the process at that point.
   */
  afterPublish?: ((rounds: number) => void) | undefined;
}

export interface SourceHealth {
  system: string;
  state: 'starting' | 'ok' | 'failing' | 'stopped';
  consecutiveFailures: number;
  lastError?: string | undefined;
  lastPollAt?: string | undefined;
  published: number;
  /** Records dead-lettered (invalid events and unmapped records). */
  invalid: number;
}

export interface RunningSource {
  /** Resolves once the saved checkpoint is read and the first poll is under way. */
  ready: Promise<void>;
  health(): SourceHealth;
  /** Aborts the poll in hand, finishes a round already polled, and closes the source. */
  stop(): Promise<void>;
}

function checkedResult(result: unknown): PollResult {
  const candidate = result as Partial<PollResult> | null;
  if (!candidate || !Array.isArray(candidate.events) || (candidate.checkpoint !== null && typeof candidate.checkpoint !== 'string')) {
    throw new RelaisError('CONNECTOR_FAILED', 'poll() must return { events: [], checkpoint: string | null }');
  }
  return candidate as PollResult;
}

export function startSourceRuntime(options: SourceRuntimeOptions): RunningSource {
  const { system, source, logger, db } = options;
  const publish = createSourcePublisher(options);
  const stopping = new AbortController();
  const stopSignal = options.signal ? AbortSignal.any([stopping.signal, options.signal]) : stopping.signal;
  const health: SourceHealth = { system, state: 'starting', consecutiveFailures: 0, published: 0, invalid: 0 };
  let checkpoint: Checkpoint | null = null;
  let loaded = false;
  let rounds = 0;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  /** One poll with its time limit, whether or not the source honours the signal. */
  const pollOnce = async (from: Checkpoint | null): Promise<PollResult> =>
    checkedResult(await withTimeLimit(options.timeoutMs, 'poll', (signal) => source.poll(from, { signal, logger }), stopSignal));

  /** One round; resolves to whether the checkpoint moved (so another page may be waiting). */
  async function round(): Promise<boolean> {
    if (!loaded) {
      checkpoint = (await readSourceState(db, system)).checkpoint;
      loaded = true;
    }
    markReady();
    await redrive();
    const started = performance.now();
    const result = await pollOnce(checkpoint);
    health.lastPollAt = new Date().toISOString();
    options.metrics?.polled?.(system, 'ok', performance.now() - started);
    const unmapped = result.unmapped ?? [];
    if (result.events.length > 0 || unmapped.length > 0) {
      const summary = await publish(result.events, { unmapped, checkpoint: result.checkpoint ?? checkpoint });
      health.published += summary.published.length;
      health.invalid += summary.deadLettered.length;
      options.afterPublish?.(++rounds);
    }
    const moved = result.checkpoint !== null && result.checkpoint !== checkpoint;
    if (moved) {
      await saveCheckpoint(db, system, result.checkpoint!);
      checkpoint = result.checkpoint;
    }
    return moved && (result.events.length > 0 || unmapped.length > 0);
  }

  /** Re-drives the source dead letters an operator asked for (source-dead-letters.ts). */
  async function redrive(): Promise<void> {
    health.published += await redrivePending({ db, system, logger, publish, remap: source.remap?.bind(source) });
  }

  async function failed(error: unknown): Promise<void> {
    health.consecutiveFailures++;
    health.state = 'failing';
    health.lastError = describeError(error).slice(0, 500);
    options.metrics?.polled?.(system, 'failed', 0);
    const failures = health.consecutiveFailures;
    if (failures === 1 || failures % 10 === 0) logger.warn({ system, failures, error: health.lastError }, 'source failing; backing off');
    await recordSourceHealth(db, system, failures, health.lastError).catch(() => undefined);
  }

  async function recovered(): Promise<void> {
    if (health.consecutiveFailures > 0) {
      logger.info({ system, after: health.consecutiveFailures }, 'source recovered');
      await recordSourceHealth(db, system, 0).catch(() => undefined);
    }
    health.consecutiveFailures = 0;
    health.state = 'ok';
  }

  async function wait(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: stopSignal }).catch(() => undefined);
  }

  async function run(): Promise<void> {
    while (!stopSignal.aborted) {
      let more: boolean;
      try {
        more = await round();
        await recovered();
      } catch (error) {
        if (stopSignal.aborted) break;
        await failed(error);
        await wait(backoffDelay(health.consecutiveFailures, options.backoff));
        continue;
      }
      if (!more) await wait(options.pollMs);
    }
    markReady();
  }

  const loop = run();
  return {
    ready,
    health: () => ({ ...health }),
    async stop() {
      stopping.abort();
      await loop;
      health.state = 'stopped';
      await source.close?.();
    },
  };
}

/**
 * The crash-test fault (RELAIS_FAULT_SOURCE_KILL_AFTER_PUBLISH): an `afterPublish` hook that
 * kills the process outright once `rounds` publishes were acknowledged, before the checkpoint
 * of that round is saved — the worst moment for a source, which the tests must survive.
 */
export function killAfterPublish(
  rounds: number | undefined,
  logger: SourcePublisherOptions['logger'],
): SourceRuntimeOptions['afterPublish'] {
  if (rounds === undefined) return undefined;
  return (done) => {
    if (done < rounds) return;
    logger.warn({ rounds: done }, 'fault injection: killing the process after publishing, before saving the checkpoint');
    process.kill(process.pid, 'SIGKILL');
  };
}

export interface PushSourceRuntimeOptions extends SourcePublisherOptions {
  create(context: PushSourceContext): PushSource | null | Promise<PushSource | null>;
  context: Omit<PushSourceContext, 'publish' | 'firstSeen'>;
}

export interface RunningPushSource {
  ready: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Push sources (webhooks): the connector calls publish() with what it received; it resolves
 * after Kafka's acknowledgement (then the connector may acknowledge the silo) and rejects when
 * the store or Kafka failed (the connector answers so that the silo retries: nothing was
 * saved that a retry would duplicate). Invalid events are skipped and counted, as for polls.
 */
export async function startPushSourceRuntime(options: PushSourceRuntimeOptions): Promise<RunningPushSource | undefined> {
  const publish: SourcePublisher = createSourcePublisher(options);
  const { db, system } = options;
  let calls = 0;
  const push = await options.create({
    ...options.context,
    publish: async (events, signal) => {
      signal?.throwIfAborted();
      return publish(events);
    },
    firstSeen: async (nonce, ttlMs) => {
      // Expired values are swept now and then, not on every push.
      if (++calls % 100 === 1) await forgetExpiredNonces(db);
      return recordNonce(db, system, nonce, ttlMs);
    },
  });
  if (!push) return undefined;
  await push.start();
  // A push source has no poll loop: its dead letters' re-drives (the events as received, checked
  // again — after a catalogue fix) are taken on a timer of their own.
  let redriving = Promise.resolve();
  const timer = setInterval(() => {
    redriving = redriving
      .then(() => redrivePending({ db, system, logger: options.logger, publish }))
      .then(() => undefined)
      .catch((error: unknown) =>
        options.logger.warn({ system, error: describeError(error).slice(0, 500) }, 'source re-drive failed; trying again'),
      );
  }, PUSH_REDRIVE_MS);
  timer.unref();
  return {
    ready: Promise.resolve(),
    async stop() {
      clearInterval(timer);
      await redriving;
      await push.close();
    },
  };
}

/** How often a push source takes the re-drives asked for its dead letters. */
const PUSH_REDRIVE_MS = 5000;
