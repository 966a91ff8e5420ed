/**
 * The sink runtime: consumes <prefix>.delivery.<system> and drives a connector's apply() with
 * everything a connector must not re-implement (see contract.ts for the author's side).
 *
 * Per message, in order per citizen (the Kafka key, the pivot id; different citizens of one
 * batch are applied side by side, up to `concurrency`):
 *   1. a message that is not a valid delivery is dead-lettered at once (poison);
 *   2. a delivery already in the ledger is not applied again; its receipt is re-sent;
 *   3. apply() with a per-attempt timeout; retryable failures back off exponentially (with
 *      jitter) up to maxAttempts, then the delivery is dead-lettered;
 *   4. the batch's outcomes are written together — DLQ messages (one publish), ledger rows,
 *      receipts (one publish) — then the offsets are marked. Each step is safe to repeat, so a
 *      crash anywhere repeats work (the silo sees the same idempotency key), never loses it.
 * On stop, the apply in hand finishes (it is never cut in the middle); a backoff wait is cut
 * short and that delivery is left uncommitted, to be read again by the next instance.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Bus, IncomingMessage, OutgoingMessage, Subscription } from '../bus/types.ts';
import { decodeDelivery, encodeReceipt, type Delivery, type Receipt } from '../envelopes.ts';
import { describeError, isRetriable, RelaisError, type ErrorCode } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { groupBy } from '../group-by.ts';
import { isUuid } from '../ids.ts';
import { childTraceparent } from '../trace.ts';
import type { Db } from '../store/db.ts';
import type { TopicNames } from '../topics.ts';
import { backoffDelay, withTimeLimit } from './backoff.ts';
import type { Sink, SinkOutcome } from './contract.ts';
import { recordSettled, settledEvents, type LedgerEntry, type LedgerOutcome } from './ledger.ts';

export interface RetryPolicy {
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
}

/** Hooks for metrics (issue #6 wires Prometheus); every hook is optional. */
export interface SinkMetrics {
  settled?(system: string, outcome: LedgerOutcome, attempts: number, durationMs: number): void;
  retried?(system: string, code: string): void;
  skippedDuplicate?(system: string): void;
}

export interface SinkRunnerOptions {
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
  logger: Logger;
  metrics?: SinkMetrics;
}

export interface RunningSink {
  ready: Promise<void>;
  /** Finishes the apply in hand, commits, leaves the group and closes the sink. */
  stop(): Promise<void>;
}

class StopRequested extends Error {}

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

interface Settlement {
  outcome: LedgerOutcome;
  reason?: string | undefined;
  attempts: number;
  error?: { code: ErrorCode | 'UNKNOWN'; message: string; retriable: boolean } | undefined;
}

function errorFacts(error: unknown): NonNullable<Settlement['error']> {
  return {
    code: error instanceof RelaisError ? error.code : 'UNKNOWN',
    message: describeError(error).slice(0, 1000),
    retriable: isRetriable(error),
  };
}

function dlqMessage(topic: string, message: IncomingMessage, settlement: Settlement): OutgoingMessage {
  const error = settlement.error ?? { code: 'UNKNOWN', message: settlement.reason ?? 'unknown', retriable: false };
  return {
    topic,
    key: message.key ?? '',
    value: message.value,
    headers: {
      ...message.headers,
      relais_error_code: error.code,
      relais_error_message: error.message,
      relais_error_retriable: String(error.retriable),
      relais_attempts: String(settlement.attempts),
      relais_failed_at: new Date().toISOString(),
      relais_source_topic: message.topic,
      relais_source_partition: String(message.partition),
      relais_source_offset: message.offset,
    },
  };
}

export async function startSinkRunner(options: SinkRunnerOptions): Promise<RunningSink> {
  const { system, sink, bus, db, topics, logger } = options;
  const source = `/connectors/${system}`;

  /** One attempt with the per-attempt time limit, whether or not the sink honours the signal. */
  const withTimeout = <T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> => withTimeLimit(options.timeoutMs, 'apply', run);

  const toSettlement = (outcome: SinkOutcome, attempts: number): Settlement =>
    outcome.status === 'applied' ? { outcome: 'applied', attempts } : { outcome: 'rejected', reason: outcome.reason, attempts };

  /**
   * Attempts `run` until it returns, a non-retriable error occurs or the attempts are spent;
   * resolves to the settlements of the deliveries it covers (one, or a batch).
   */
  async function decide(count: number, run: (attempt: number, signal: AbortSignal) => Promise<SinkOutcome[]>, stop: AbortSignal): Promise<Settlement[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        const outcomes = await withTimeout((signal) => run(attempt, signal));
        if (outcomes.length !== count) throw new RelaisError('CONNECTOR_FAILED', `the sink returned ${outcomes.length} outcomes for ${count} deliveries`);
        return outcomes.map((outcome) => toSettlement(outcome, attempt));
      } catch (error) {
        const retriable = isRetriable(error);
        if (!retriable || attempt >= options.retry.maxAttempts) {
          const reason = retriable ? `gave up after ${attempt} attempts: ${describeError(error)}` : `not retriable: ${describeError(error)}`;
          const settlement: Settlement = { outcome: 'dead_lettered', reason: reason.slice(0, 2000), attempts: attempt, error: errorFacts(error) };
          return Array.from({ length: count }, () => settlement);
        }
        options.metrics?.retried?.(system, errorFacts(error).code);
        try {
          await sleep(backoffDelay(attempt, options.retry), undefined, { signal: stop });
        } catch {
          throw new StopRequested('stopping during a retry wait');
        }
      }
    }
  }

  const decideOne = (delivery: Delivery, stop: AbortSignal): Promise<Settlement[]> =>
    decide(1, async (attempt, signal) => [await sink.apply(delivery, { signal, attempt, logger })], stop);

  const decideBatch = (deliveries: Delivery[], stop: AbortSignal): Promise<Settlement[]> =>
    decide(
      deliveries.length,
      // Only called when the sink has applyBatch; the check keeps the method bound to its sink.
      async (attempt, signal) => (sink.applyBatch ? sink.applyBatch(deliveries, { signal, attempt, logger }) : []),
      stop,
    );

  function receiptMessage(delivery: Pick<Delivery, 'eventId' | 'pivotId' | 'traceparent'>, settlement: Settlement): OutgoingMessage {
    const receipt: Receipt = {
      eventId: delivery.eventId,
      system,
      status: settlement.outcome,
      reason: settlement.reason,
      attempts: settlement.attempts,
      at: new Date().toISOString(),
    };
    return encodeReceipt(receipt, { pivotId: delivery.pivotId, source, topic: topics.receipts, traceparent: childTraceparent(delivery.traceparent) });
  }

  /** What one batch decided, written together: DLQ messages, then the ledger, then receipts. */
  interface Decided {
    message: IncomingMessage;
    delivery?: Delivery;
    settlement: Settlement;
    /** Already in the ledger: only its receipt is sent again. */
    replay?: boolean;
  }

  async function write(decided: Decided[]): Promise<void> {
    const dead = decided.filter((d) => d.settlement.outcome === 'dead_lettered' && !d.replay);
    for (const d of dead) {
      logger.warn({ system, eventId: d.delivery?.eventId, attempts: d.settlement.attempts, code: d.settlement.error?.code }, 'delivery dead-lettered');
    }
    await bus.publish(dead.map((d) => dlqMessage(topics.dlq(system), d.message, d.settlement)));
    await recordSettled(
      db,
      system,
      decided.flatMap((d) => (d.delivery && !d.replay ? [{ eventId: d.delivery.eventId, outcome: d.settlement.outcome, reason: d.settlement.reason }] : [])),
    );
    await bus.publish(decided.flatMap((d) => (d.delivery ? [receiptMessage(d.delivery, d.settlement)] : [])));
  }

  /** Decodes a message; poison and already-settled deliveries are decided without the sink. */
  function triage(message: IncomingMessage, settled: Map<string, LedgerEntry>): Decided | Delivery {
    let delivery: Delivery;
    try {
      delivery = decodeDelivery(message);
    } catch (error) {
      // Poison: nothing to apply and no trustworthy event id for a receipt.
      return { message, settlement: { outcome: 'dead_lettered', attempts: 0, error: errorFacts(error), reason: describeError(error) } };
    }
    const previous = settled.get(delivery.eventId);
    if (!previous) return delivery;
    options.metrics?.skippedDuplicate?.(system);
    return { message, delivery, replay: true, settlement: { outcome: previous.outcome, reason: previous.reason, attempts: 0 } };
  }

  const subscription: Subscription = await bus.consume({
    groupId: options.groupId,
    topics: [topics.delivery(system)],
    fromBeginning: true,
    handler: async (messages, context) => {
      const ids = messages.map((m) => m.headers['ce_id']).filter((id): id is string => typeof id === 'string' && isUuid(id));
      const settled = await settledEvents(db, system, ids);
      const decided = new Map<IncomingMessage, Decided>();
      const firstOf = new Map<string, IncomingMessage>();
      const duplicates: { message: IncomingMessage; delivery: Delivery; of: IncomingMessage }[] = [];
      const pending: { message: IncomingMessage; delivery: Delivery }[] = [];
      for (const message of messages) {
        const triaged = triage(message, settled);
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
      const started = performance.now();
      try {
        if (sink.applyBatch && pending.length > 0) {
          const settlements = await decideBatch(pending.map((p) => p.delivery), context.signal);
          pending.forEach((p, i) => decided.set(p.message, { ...p, settlement: settlements[i]! }));
        } else {
          // One lane per citizen (the key): a citizen's deliveries in order, citizens side by side.
          const lanes = groupBy(pending, (p) => p.message.key ?? '');
          await runLanes([...lanes.values()], options.concurrency ?? 8, async (lane) => {
            for (const p of lane) {
              if (context.signal.aborted) return;
              const [settlement] = await decideOne(p.delivery, context.signal);
              decided.set(p.message, { ...p, settlement: settlement! });
            }
          });
        }
      } catch (error) {
        // Stopping during a retry wait: that delivery stays undecided and uncommitted.
        if (!(error instanceof StopRequested)) throw error;
      } finally {
        for (const d of duplicates) {
          const original = decided.get(d.of);
          if (original) decided.set(d.message, { message: d.message, delivery: d.delivery, settlement: original.settlement, replay: true });
        }
        // Everything decided is written, even when stopping or failing, so it is not applied
        // again; offsets are marked only up to the first undecided message.
        const outcomes = messages.flatMap((m) => decided.get(m) ?? []);
        if (outcomes.length > 0) await write(outcomes);
        for (const d of outcomes) options.metrics?.settled?.(system, d.settlement.outcome, d.settlement.attempts, performance.now() - started);
        for (const message of messages) {
          if (!decided.has(message)) break;
          context.markProcessed(message);
        }
      }
    },
  });

  return {
    ready: subscription.ready,
    async stop() {
      await subscription.close();
      await sink.close?.();
    },
  };
}
