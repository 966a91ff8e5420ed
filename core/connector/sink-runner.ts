/**
 * The sink runtime: consumes <prefix>.delivery.<system> and drives a connector's apply() with
 * everything a connector must not re-implement (see contract.ts for the author's side).
 *
 * Per message, in partition order (the key is the pivot id, so per citizen):
 *   1. a message that is not a valid delivery is dead-lettered at once (poison);
 *   2. a delivery already in the ledger is not applied again; its receipt is re-sent;
 *   3. apply() with a per-attempt timeout; retryable failures back off exponentially (with
 *      jitter) up to maxAttempts, then the delivery is dead-lettered;
 *   4. the outcome is written: DLQ message (if any) → ledger → receipt, then the offset is
 *      marked. Each step is safe to repeat, so a crash anywhere repeats work, never loses it.
 * On stop, the apply in hand finishes (it is never cut in the middle); a backoff wait is cut
 * short and that delivery is left uncommitted, to be read again by the next instance.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Bus, IncomingMessage, OutgoingMessage, Subscription } from '../bus/types.ts';
import { decodeDelivery, encodeReceipt, type Delivery, type Receipt } from '../envelopes.ts';
import { describeError, isRetriable, RelaisError, RetryableError, type ErrorCode } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Db } from '../store/db.ts';
import type { TopicNames } from '../topics.ts';
import type { Sink, SinkOutcome } from './contract.ts';
import { recordSettled, settledEvents, type LedgerOutcome } from './ledger.ts';

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
  logger: Logger;
  metrics?: SinkMetrics;
}

export interface RunningSink {
  ready: Promise<void>;
  /** Finishes the apply in hand, commits, leaves the group and closes the sink. */
  stop(): Promise<void>;
}

class StopRequested extends Error {}

export function backoffDelay(attempt: number, policy: RetryPolicy, random = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.round(ceiling * (0.5 + random() * 0.5));
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

  async function applyWithTimeout(delivery: Delivery, attempt: number): Promise<SinkOutcome> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new RetryableError(`apply timed out after ${options.timeoutMs} ms`));
      }, options.timeoutMs);
    });
    try {
      return await Promise.race([sink.apply(delivery, { signal: controller.signal, attempt, logger }), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function decide(delivery: Delivery, signal: AbortSignal): Promise<Settlement> {
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await applyWithTimeout(delivery, attempt);
        return outcome.status === 'applied'
          ? { outcome: 'applied', attempts: attempt }
          : { outcome: 'rejected', reason: outcome.reason, attempts: attempt };
      } catch (error) {
        if (!isRetriable(error)) {
          return { outcome: 'dead_lettered', reason: `not retriable: ${describeError(error)}`.slice(0, 2000), attempts: attempt, error: errorFacts(error) };
        }
        if (attempt >= options.retry.maxAttempts) {
          return {
            outcome: 'dead_lettered',
            reason: `gave up after ${attempt} attempts: ${describeError(error)}`.slice(0, 2000),
            attempts: attempt,
            error: errorFacts(error),
          };
        }
        options.metrics?.retried?.(system, errorFacts(error).code);
        try {
          await sleep(backoffDelay(attempt, options.retry), undefined, { signal });
        } catch {
          throw new StopRequested('stopping during a retry wait');
        }
      }
    }
  }

  async function publishReceipt(delivery: Pick<Delivery, 'eventId' | 'pivotId' | 'traceparent'>, settlement: Settlement): Promise<void> {
    const receipt: Receipt = {
      eventId: delivery.eventId,
      system,
      status: settlement.outcome,
      reason: settlement.reason,
      attempts: settlement.attempts,
      at: new Date().toISOString(),
    };
    await bus.publish([encodeReceipt(receipt, { pivotId: delivery.pivotId, source, topic: topics.receipts, traceparent: delivery.traceparent })]);
  }

  async function handle(message: IncomingMessage, settled: Set<string>, signal: AbortSignal): Promise<void> {
    let delivery: Delivery;
    try {
      delivery = decodeDelivery(message);
    } catch (error) {
      // Poison: nothing to apply and no trustworthy event id for a receipt.
      logger.warn({ system, topic: message.topic, partition: message.partition, offset: message.offset, code: errorFacts(error).code }, 'invalid delivery dead-lettered');
      await bus.publish([dlqMessage(topics.dlq(system), message, { outcome: 'dead_lettered', attempts: 0, error: errorFacts(error) })]);
      return;
    }
    if (settled.has(delivery.eventId)) {
      options.metrics?.skippedDuplicate?.(system);
      const previous = await db.query<{ outcome: LedgerOutcome; reason: string | null }>(
        'SELECT outcome, reason FROM sink_ledger WHERE system = $1 AND event_id = $2',
        [system, delivery.eventId],
      );
      const row = previous.rows[0];
      if (row) await publishReceipt(delivery, { outcome: row.outcome, reason: row.reason ?? undefined, attempts: 0 });
      return;
    }
    const started = performance.now();
    const settlement = await decide(delivery, signal);
    if (settlement.outcome === 'dead_lettered') {
      logger.warn({ system, eventId: delivery.eventId, attempts: settlement.attempts, code: settlement.error?.code }, 'delivery dead-lettered');
      await bus.publish([dlqMessage(topics.dlq(system), message, settlement)]);
    }
    await recordSettled(db, system, delivery.eventId, settlement.outcome, settlement.reason);
    settled.add(delivery.eventId);
    await publishReceipt(delivery, settlement);
    options.metrics?.settled?.(system, settlement.outcome, settlement.attempts, performance.now() - started);
  }

  const subscription: Subscription = await bus.consume({
    groupId: options.groupId,
    topics: [topics.delivery(system)],
    fromBeginning: true,
    handler: async (messages, context) => {
      const ids = messages.map((m) => m.headers['ce_id']).filter((id): id is string => typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id));
      const settled = await settledEvents(db, system, ids);
      for (const message of messages) {
        if (context.signal.aborted) return;
        try {
          await handle(message, settled, context.signal);
        } catch (error) {
          if (error instanceof StopRequested) return;
          throw error;
        }
        context.markProcessed(message);
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
