/**
 * The sink runtime: consumes <prefix>.delivery.<system> and drives a connector's apply() with
 * everything a connector must not re-implement (see contract.ts for the author's side).
 *
 * Per message, in order per citizen (the Kafka key, the pivot id; different citizens of one
 * batch are applied side by side, up to `concurrency`):
 *   1. a message that is not a valid delivery is dead-lettered at once (poison);
 *   2. a delivery already in the ledger is not applied again; its receipt is re-sent;
 *   3. a delivery older than the newest change of the same kind already applied for the citizen
 *      in this system (versions.ts) is not applied either: it is settled `superseded`;
 *   4. apply() with a per-attempt timeout; retryable failures back off exponentially (with
 *      jitter) up to maxAttempts, then the delivery is dead-lettered;
 *   5. the batch's outcomes are written together — DLQ messages (one publish), ledger rows,
 *      receipts (one publish) — then the offsets are marked. Each step is safe to repeat, so a
 *      crash anywhere repeats work (the silo sees the same idempotency key), never loses it.
 * On stop, the apply in hand finishes (it is never cut in the middle); a backoff wait is cut
 * short and that delivery is left uncommitted, to be read again by the next instance.
 *
 * A batch sink (one that declares `batchWindow`, contract.ts) takes another path after step 2:
 * its deliveries are staged in sink_inflight and their offsets marked at once; batch-window.ts
 * checks step 3, hands them to the sink per window and settles them when the silo acknowledges.
 */
import type { Bus, IncomingMessage, Subscription } from '../../../../core/bus/types.ts';
import { decodeDelivery, encodeReceipt, type Delivery } from '../../../../core/envelopes.ts';
import { childTraceparent } from '../../../../core/tracing/traceparent.ts';
import { describeError, RelaisError } from '../../../../core/errors.ts';
import type { SigningKey } from '../../../../core/signing.ts';
import type { Logger } from '../../../../core/logger.ts';
import { groupBy } from '../../../../core/group-by.ts';
import { isUuid } from '../../../../core/ids.ts';
import { startSpan } from '../../../../core/tracing/spans.ts';
import type { Db } from '../../../../core/store/db.ts';
import type { TopicNames } from '../../../../core/topics.ts';
import { stageDeliveries, startBatchWindow, type RunningWindow } from './batch-window.ts';
import type { Sink } from '../contract.ts';
import { settledEvents, type LedgerEntry } from './ledger.ts';
import { declaredVersions, loadAppliedVersions, supersedeStale, type AppliedVersions } from './versions.ts';
import { SiloCircuit } from './circuit.ts';
import { pauseGate } from './pause.ts';
import type { CitizenKeys } from '../../../../privacy/citizen-keys.ts';
import { ERASED, openMessages } from '../../../../privacy/sealed-messages.ts';
import {
  createWriter,
  decide,
  errorFacts,
  StopRequested,
  type Decided,
  type RetryPolicy,
  type Settlement,
  type SinkMetrics,
} from './settlement.ts';

export { backoffDelay } from './backoff.ts';
export type { RetryPolicy, SinkMetrics } from './settlement.ts';

export interface SinkRuntimeOptions {
  system: string;
  sink: Sink;
  bus: Bus;
  db: Db;
  topics: TopicNames;
  /** Consumer group; instances with the same group share the partitions. */
  groupId: string;
  retry: RetryPolicy;
  timeoutMs: number;
  /** How many citizens' deliveries are applied side by side (each citizen's stay in order). */
  concurrency?: number;
  /**
   * The silo circuit (circuit.ts): retriable failures in a row that mean the silo is down
   * (default 5), and how long it may stay down before failing deliveries are dead-lettered
   * (default 6 hours).
   */
  circuit?: { threshold?: number; patienceMs?: number };
  /** How often an operator's pause of the system is re-read (pause.ts); 1 s by default. */
  pauseRefreshMs?: number;
  logger: Logger;
  metrics?: SinkMetrics;
  /**
   * The key this system signs its receipts with (JWS, Ed25519): the gateway refuses a receipt
   * whose signature is missing or not made by a key it publishes for this system.
   */
  receiptKey: SigningKey;
  /**
   * The citizens' data keys (privacy/): a sealed delivery is opened just before it is decoded and
   * applied, and stays sealed wherever it is kept (dead letters, sink_inflight); one whose citizen
   * was erased is skipped and counted (`erased`), never applied nor dead-lettered. Unset: as is.
   */
  citizenKeys?: CitizenKeys | undefined;
  erased?: ((count: number) => void) | undefined;
}

export interface RunningSink {
  ready: Promise<void>;
  /** Finishes the apply in hand, commits, leaves the group and closes the sink. */
  stop(): Promise<void>;
}

/**
 * Runs each lane with at most `limit` at a time and waits for all of them, even when one fails
 * (so nothing is still applying when the batch's outcomes are written); then rethrows the first
 * failure that is not a stop request.
 */
async function runLanes<T>(lanes: T[], limit: number, run: (lane: T) => Promise<void>): Promise<void> {
  let next = 0;
  const results = await Promise.allSettled(
    Array.from({ length: Math.min(limit, lanes.length) }, async () => {
      while (next < lanes.length) await run(lanes[next++]!);
    }),
  );
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !(r.reason instanceof StopRequested));
  if (failure) throw failure.reason;
}

function checkBatchSink(system: string, sink: Sink): void {
  if (sink.batchWindow && (!sink.applyBatch || !sink.acknowledgements)) {
    throw new RelaisError('CONNECTOR_FAILED', `the ${system} sink declares a batchWindow without applyBatch and acknowledgements`);
  }
}

const DEFAULT_PATIENCE_MS = 6 * 3600_000;

/** The system's circuit; its state goes to the store (GET /v1/systems), a metric and the log. */
function startCircuit(options: SinkRuntimeOptions): SiloCircuit {
  const { system, db, logger } = options;
  return new SiloCircuit({
    threshold: options.circuit?.threshold ?? 5,
    patienceMs: options.circuit?.patienceMs ?? DEFAULT_PATIENCE_MS,
    probe: { baseMs: Math.max(options.retry.baseMs, 100), maxMs: Math.max(options.retry.maxMs, 1000) },
    onChange(unavailableSince) {
      options.metrics?.siloUnavailable?.(system, unavailableSince !== undefined);
      if (unavailableSince) logger.warn({ system, unavailableSince }, 'silo unavailable: deliveries wait, probing');
      else logger.info({ system }, 'silo available again: deliveries resume');
      db.query(
        `INSERT INTO sink_circuits (system, unavailable_since) VALUES ($1, $2)
         ON CONFLICT (system) DO UPDATE SET unavailable_since = EXCLUDED.unavailable_since, updated_at = now()`,
        [system, unavailableSince ?? null],
      ).catch((error: unknown) => logger.warn({ system, error: describeError(error) }, 'could not record the silo circuit'));
    },
  });
}

export async function startSinkRuntime(options: SinkRuntimeOptions): Promise<RunningSink> {
  const { system, sink, bus, db, topics, logger } = options;
  checkBatchSink(system, sink);
  const write = createWriter({ system, bus, db, topics, logger, receiptKey: options.receiptKey });
  const circuit = startCircuit(options);
  const paused = pauseGate(db, system, logger, options.pauseRefreshMs);
  const unknownReceipt = (delivery: Delivery) =>
    encodeReceipt(
      {
        eventId: delivery.eventId,
        system,
        status: 'unknown',
        reason: 'an apply timed out: re-applying to settle it',
        at: new Date().toISOString(),
      },
      {
        pivotId: delivery.pivotId,
        source: `/connectors/${system}`,
        topic: topics.receipts,
        traceparent: childTraceparent(delivery.traceparent),
        signer: options.receiptKey,
      },
    );
  const decideOptions = { system, retry: options.retry, timeoutMs: options.timeoutMs, handOver: false, metrics: options.metrics, circuit };

  /** One delivery, traced: the span covers its call(s) to the silo, which receives the span's traceparent. */
  async function decideOne(delivery: Delivery, stop: AbortSignal): Promise<Settlement[]> {
    const span = startSpan(`apply ${delivery.type}`, {
      parent: delivery.traceparent,
      kind: 'client',
      attributes: { 'relais.system': system },
    });
    let settlements: Settlement[] | undefined;
    try {
      // A timed-out apply reads `unknown` until a re-apply settles it (receipt only: not in the ledger).
      const onUnknown = () => bus.publish([unknownReceipt(delivery)]);
      settlements = await decide(
        { ...decideOptions, onUnknown },
        1,
        async (attempt, signal) => [await sink.apply(delivery, { signal, attempt, logger, traceparent: span.traceparent })],
        stop,
      );
      return settlements;
    } finally {
      const settlement = settlements?.[0];
      if (settlement) span.setAttributes({ 'relais.outcome': settlement.outcome, 'relais.attempts': settlement.attempts });
      span.end(settlement?.outcome === 'dead_lettered' ? new Error(settlement.error?.code ?? 'dead-lettered') : undefined);
    }
  }

  const decideBatch = (deliveries: Delivery[], stop: AbortSignal): Promise<Settlement[]> =>
    decide(
      decideOptions,
      deliveries.length,
      // Only called when the sink has applyBatch; the check keeps the method bound to its sink.
      async (attempt, signal) => (sink.applyBatch ? sink.applyBatch(deliveries, { signal, attempt, logger }) : []),
      stop,
    );

  /** Decodes a message (its opened copy); poison and already-settled deliveries are decided without the sink. */
  function triage(message: IncomingMessage, readable: IncomingMessage, settled: Map<string, LedgerEntry>): Decided | Delivery {
    let delivery: Delivery;
    try {
      delivery = decodeDelivery(readable);
    } catch (error) {
      // Poison: nothing to apply and no trustworthy event id for a receipt.
      return { message, settlement: { outcome: 'dead_lettered', attempts: 0, error: errorFacts(error), reason: describeError(error) } };
    }
    const previous = settled.get(delivery.eventId);
    if (!previous) return delivery;
    options.metrics?.skippedDuplicate?.(system);
    return { message, delivery, replay: true, settlement: { outcome: previous.outcome, reason: previous.reason, attempts: 0 } };
  }

  /** Applies a partition batch's undecided deliveries: in one applyBatch call, or per citizen lane. */
  async function applyPending(
    pending: { message: IncomingMessage; delivery: Delivery }[],
    versions: AppliedVersions,
    decided: Map<IncomingMessage, Decided>,
    signal: AbortSignal,
  ): Promise<void> {
    if (sink.applyBatch && pending.length > 0) {
      const fresh = supersedeStale(pending, versions, decided);
      if (fresh.length === 0) return;
      const settlements = await decideBatch(
        fresh.map((p) => p.delivery),
        signal,
      );
      fresh.forEach((p, i) => decided.set(p.message, { ...p, settlement: settlements[i]! }));
      return;
    }
    // One lane per citizen (the key): a citizen's deliveries in order, citizens side by side.
    const lanes = groupBy(pending, (p) => p.message.key ?? '');
    await runLanes([...lanes.values()], options.concurrency ?? 8, async (lane) => {
      for (const p of lane) {
        if (signal.aborted) return;
        const stale = versions.stale(p.delivery);
        const [settlement] = stale ? [stale] : await decideOne(p.delivery, signal);
        if (settlement!.outcome === 'applied') versions.applied(p.delivery);
        decided.set(p.message, { ...p, settlement: settlement! });
      }
    });
  }

  let window: RunningWindow | undefined;
  if (sink.batchWindow) {
    window = startBatchWindow({
      system,
      sink,
      bus,
      db,
      topics,
      logger,
      retry: options.retry,
      timeoutMs: sink.batchWindow.timeoutMs ?? options.timeoutMs,
      write,
      metrics: options.metrics,
      circuit,
      citizenKeys: options.citizenKeys,
      erased: options.erased,
    });
  }

  const subscription: Subscription = await bus.consume({
    groupId: options.groupId,
    topics: [topics.delivery(system)],
    fromBeginning: true,
    handler: async (messages, context) => {
      // Paused by an operator: wait before anything is applied or staged; stopping meanwhile
      // leaves the batch unmarked, to be read again.
      if (!(await paused.passed(context.signal))) return;
      const ids = messages.map((m) => m.headers['ce_id']).filter((id): id is string => typeof id === 'string' && isUuid(id));
      const decided = new Map<IncomingMessage, Decided>();
      const firstOf = new Map<string, IncomingMessage>();
      const duplicates: { message: IncomingMessage; delivery: Delivery; of: IncomingMessage }[] = [];
      const pending: { message: IncomingMessage; delivery: Delivery }[] = [];
      // The ledger, the keys and the applied versions are read side by side: one round trip's
      // wait, not three (a lone change crosses this hop in the time of its slowest read).
      const [settled, opened, versions] = await Promise.all([
        settledEvents(db, system, ids),
        options.citizenKeys ? openMessages(options.citizenKeys, db, messages) : messages,
        window ? undefined : loadAppliedVersions(db, system, declaredVersions(messages)),
      ]);
      const erased = new Set(messages.filter((_, i) => opened[i] === ERASED));
      options.erased?.(erased.size);
      for (const [i, message] of messages.entries()) {
        const readable = opened[i]!;
        if (readable === ERASED) continue;
        const triaged = triage(message, readable, settled);
        if (!('eventId' in triaged)) {
          decided.set(message, triaged);
          continue;
        }
        // The same event twice in one batch: apply once, answer both.
        const first = firstOf.get(triaged.eventId);
        if (first) duplicates.push({ message, delivery: triaged, of: first });
        else {
          firstOf.set(triaged.eventId, message);
          pending.push({ message, delivery: triaged });
        }
      }
      if (window) {
        // Staged durably first; the window hands them to the sink and settles them later.
        await stageDeliveries(db, system, pending);
        const outcomes = messages.flatMap((m) => decided.get(m) ?? []);
        if (outcomes.length > 0) await write(outcomes);
        for (const message of messages) context.markProcessed(message);
        window.nudge();
        return;
      }
      const started = performance.now();
      try {
        const known = versions ?? (await loadAppliedVersions(db, system, declaredVersions(messages)));
        await applyPending(pending, known, decided, context.signal);
      } catch (error) {
        // Stopping during a retry wait: that delivery stays undecided and uncommitted.
        if (!(error instanceof StopRequested)) throw error;
      } finally {
        for (const d of duplicates) {
          const original = decided.get(d.of);
          if (!original) continue;
          options.metrics?.skippedDuplicate?.(system);
          decided.set(d.message, { message: d.message, delivery: d.delivery, settlement: original.settlement, replay: true });
        }
        // Everything decided is written, even when stopping or failing, so it is not applied
        // again; offsets are marked only up to the first undecided message.
        const outcomes = messages.flatMap((m) => decided.get(m) ?? []);
        if (outcomes.length > 0) await write(outcomes);
        for (const d of outcomes) {
          // A replay (already settled, or a duplicate within the batch) is counted once, as such;
          // only batch-window sinks hand over, and a handed-over delivery is not settled yet.
          if (d.replay || d.settlement.outcome === 'handed_over') continue;
          options.metrics?.settled?.(system, d.settlement.outcome, d.settlement.attempts, performance.now() - started);
        }
        for (const message of messages) {
          if (!decided.has(message) && !erased.has(message)) break;
          context.markProcessed(message);
        }
      }
    },
  });

  return {
    ready: subscription.ready,
    async stop() {
      await subscription.close();
      paused.close();
      await window?.stop();
      await sink.close?.();
    },
  };
}
