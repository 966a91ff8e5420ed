/**
 * What the sink runtime does with a decision, shared by the per-delivery path (sink-runtime.ts)
 * and the batch-window path (batch-window.ts): attempts with timeout, retries and backoff
 * (`decide`), then writes a batch of decisions — DLQ messages (one publish), ledger rows,
 * receipts (one publish) — in that order, each step safe to repeat (`write`).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Bus, IncomingMessage, OutgoingMessage } from '../../../../core/bus/types.ts';
import { encodeReceipt, type Delivery, type Receipt } from '../../../../core/envelopes.ts';
import { coded, describeError, isRetriable, RelaisError, type ErrorCode } from '../../../../core/errors.ts';
import type { Logger } from '../../../../core/logger.ts';
import { childTraceparent } from '../../../../core/tracing/traceparent.ts';
import type { Db } from '../../../../core/store/db.ts';
import type { TopicNames } from '../../../../core/topics.ts';
import { backoffDelay, withTimeLimit } from './backoff.ts';
import type { SinkOutcome } from '../contract.ts';
import { recordSettled, type LedgerOutcome } from './ledger.ts';

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
  /** Batch sinks: deliveries handed over to the silo, awaiting its acknowledgement. */
  handedOver?(system: string, count: number): void;
  /** Batch sinks: handed-over deliveries dead-lettered because no acknowledgement came in time (an alert). */
  ackOverdue?(system: string, count: number): void;
  /** Batch sinks: acknowledgements for deliveries that were not awaiting one. */
  ackIgnored?(system: string, count: number): void;
}

export class StopRequested extends Error {}

export interface ErrorFacts {
  code: ErrorCode | 'UNKNOWN';
  message: string;
  retriable: boolean;
}

export interface Settlement {
  outcome: LedgerOutcome | 'handed_over';
  reason?: string | undefined;
  /** handed_over: the connector's name for the hand-over (a file name). */
  reference?: string | undefined;
  attempts: number;
  error?: ErrorFacts | undefined;
}

export function errorFacts(error: unknown): ErrorFacts {
  return {
    code: coded(error)?.code ?? 'UNKNOWN',
    message: describeError(error).slice(0, 1000),
    retriable: isRetriable(error),
  };
}

export interface DecideOptions {
  system: string;
  retry: RetryPolicy;
  timeoutMs: number;
  /** Whether `handed_over` is an outcome this sink may give (batch-window sinks only). */
  handOver: boolean;
  metrics?: SinkMetrics | undefined;
}

function toSettlement(outcome: SinkOutcome, attempts: number, handOver: boolean): Settlement {
  switch (outcome.status) {
    case 'applied':
      return { outcome: 'applied', attempts };
    case 'rejected':
      return { outcome: 'rejected', reason: outcome.reason, attempts };
    case 'handed_over':
      if (!handOver) throw new RelaisError('CONNECTOR_FAILED', 'the sink answered handed_over but declares no batchWindow');
      return { outcome: 'handed_over', reference: outcome.reference, attempts };
  }
}

/**
 * Attempts `run` until it returns, a non-retriable error occurs or the attempts are spent;
 * resolves to the settlements of the deliveries it covers (one, or a batch). Throws
 * StopRequested when `stop` aborts during a backoff wait.
 */
export async function decide(
  options: DecideOptions,
  count: number,
  run: (attempt: number, signal: AbortSignal) => Promise<SinkOutcome[]>,
  stop: AbortSignal,
): Promise<Settlement[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      const outcomes = await withTimeLimit(options.timeoutMs, 'apply', (signal) => run(attempt, signal));
      if (outcomes.length !== count)
        throw new RelaisError('CONNECTOR_FAILED', `the sink returned ${outcomes.length} outcomes for ${count} deliveries`);
      return outcomes.map((outcome) => toSettlement(outcome, attempt, options.handOver));
    } catch (error) {
      const retriable = isRetriable(error);
      if (!retriable || attempt >= options.retry.maxAttempts) {
        const reason = retriable ? `gave up after ${attempt} attempts: ${describeError(error)}` : `not retriable: ${describeError(error)}`;
        const settlement: Settlement = {
          outcome: 'dead_lettered',
          reason: reason.slice(0, 2000),
          attempts: attempt,
          error: errorFacts(error),
        };
        return Array.from({ length: count }, () => settlement);
      }
      options.metrics?.retried?.(options.system, errorFacts(error).code);
      try {
        await sleep(backoffDelay(attempt, options.retry), undefined, { signal: stop });
      } catch {
        throw new StopRequested('stopping during a retry wait');
      }
    }
  }
}

/** One decision to write: the message it came from, its delivery (absent for poison), the settlement. */
export interface Decided {
  message: IncomingMessage;
  delivery?: Delivery | undefined;
  settlement: Settlement;
  /** Already in the ledger: only its receipt is sent again. */
  replay?: boolean;
}

export interface WriterOptions {
  system: string;
  bus: Bus;
  db: Db;
  topics: TopicNames;
  logger: Logger;
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

/** Writes settled decisions (handed_over ones are the batch window's business, not written here). */
export function createWriter(options: WriterOptions): (decided: Decided[]) => Promise<void> {
  const { system, bus, db, topics, logger } = options;
  const source = `/connectors/${system}`;

  function receiptMessage(delivery: Delivery, settlement: Settlement & { outcome: LedgerOutcome }): OutgoingMessage {
    const receipt: Receipt = {
      eventId: delivery.eventId,
      system,
      status: settlement.outcome,
      reason: settlement.reason,
      attempts: settlement.attempts,
      at: new Date().toISOString(),
    };
    return encodeReceipt(receipt, {
      pivotId: delivery.pivotId,
      source,
      topic: topics.receipts,
      traceparent: childTraceparent(delivery.traceparent),
    });
  }

  return async (all) => {
    const decided = all.filter((d): d is Decided & { settlement: { outcome: LedgerOutcome } } => d.settlement.outcome !== 'handed_over');
    const dead = decided.filter((d) => d.settlement.outcome === 'dead_lettered' && !d.replay);
    for (const d of dead) {
      logger.warn(
        { system, eventId: d.delivery?.eventId, attempts: d.settlement.attempts, code: d.settlement.error?.code },
        'delivery dead-lettered',
      );
    }
    // The dead letters go first: once the ledger says `dead_lettered`, a re-read would only
    // re-send the receipt, so the DLQ message must already be on the broker. The ledger rows
    // and the receipts do not depend on each other (a crash between them re-applies under the
    // same idempotency key, and receipts are idempotent at the gateway): written side by side,
    // which saves one round trip per batch.
    await bus.publish(dead.map((d) => dlqMessage(topics.dlq(system), d.message, d.settlement)));
    await Promise.all([
      recordSettled(
        db,
        system,
        decided.flatMap((d) =>
          d.delivery && !d.replay ? [{ eventId: d.delivery.eventId, outcome: d.settlement.outcome, reason: d.settlement.reason }] : [],
        ),
      ),
      bus.publish(decided.flatMap((d) => (d.delivery ? [receiptMessage(d.delivery, d.settlement)] : []))),
    ]);
  };
}
