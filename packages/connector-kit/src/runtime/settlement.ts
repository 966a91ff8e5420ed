/**
 * What the sink runtime does with a decision, shared by the per-delivery path (sink-runtime.ts)
 * and the batch-window path (batch-window.ts): attempts with timeout, retries and backoff
 * (`decide`), then writes a batch of decisions — DLQ messages (one publish), ledger rows,
 * receipts (one publish) — in that order, each step safe to repeat (`write`).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Bus, IncomingMessage, OutgoingMessage } from '../../../../core/bus/types.ts';
import { deliveredData, encodeReceipt, type Delivery, type Receipt } from '../../../../core/envelopes.ts';
import type { SigningKey } from '../../../../core/signing.ts';
import { coded, describeError, isRetriable, RelaisError, type ErrorCode } from '../../../../core/errors.ts';
import type { Logger } from '../../../../core/logger.ts';
import { childTraceparent } from '../../../../core/tracing/traceparent.ts';
import type { Db } from '../../../../core/store/db.ts';
import type { TopicNames } from '../../../../core/topics.ts';
import { backoffDelay, TimedOut, withTimeLimit } from './backoff.ts';
import { StopWaiting, type SiloCircuit } from './circuit.ts';
import type { SinkOutcome } from '../contract.ts';
import { recordSettled, type LedgerOutcome } from './ledger.ts';
import { appliedVersions } from './versions.ts';

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
  /** The silo circuit opened (true: deliveries wait) or closed (false). */
  siloUnavailable?(system: string, unavailable: boolean): void;
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
  /** The system's circuit (circuit.ts): outages wait instead of spending attempts. */
  circuit?: SiloCircuit | undefined;
  /**
   * Called once when an attempt timed out: the silo may have applied it, so its status is
   * `unknown` until a re-apply (idempotent by event id) settles what really happened.
   */
  onUnknown?: (() => Promise<void>) | undefined;
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
  const { circuit } = options;
  let failingSince: number | undefined;
  let unknownSaid = false;
  for (let attempt = 1; ; attempt++) {
    try {
      await circuit?.turn(stop);
    } catch (error) {
      if (error instanceof StopWaiting) throw new StopRequested('stopping while the silo is unavailable');
      throw error;
    }
    try {
      const outcomes = await withTimeLimit(options.timeoutMs, 'apply', (signal) => run(attempt, signal));
      if (outcomes.length !== count)
        throw new RelaisError('CONNECTOR_FAILED', `the sink returned ${outcomes.length} outcomes for ${count} deliveries`);
      circuit?.success();
      return outcomes.map((outcome) => toSettlement(outcome, attempt, options.handOver));
    } catch (error) {
      const retriable = isRetriable(error);
      if (retriable) circuit?.failure();
      else circuit?.neutral();
      if (error instanceof TimedOut && options.onUnknown && !unknownSaid) {
        unknownSaid = true;
        await options.onUnknown();
      }
      failingSince ??= Date.now();
      // A retriable failure past the attempts is dead-lettered only when the silo answered
      // others meanwhile, or past its patience; otherwise it is an outage: wait for the silo.
      const giveUp = !retriable || (attempt >= options.retry.maxAttempts && (circuit ? circuit.exhausted(failingSince) : 'attempts spent'));
      if (giveUp) {
        const why = typeof giveUp === 'string' && giveUp !== 'attempts spent' ? ` (${giveUp})` : '';
        const reason = retriable
          ? `gave up after ${attempt} attempts${why}: ${describeError(error)}`
          : `not retriable: ${describeError(error)}`;
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
        // While the circuit is open, turn() paces the attempts (one probe at a time, backing off).
        if (!circuit?.unavailableSince) await sleep(backoffDelay(Math.min(attempt, 30), options.retry), undefined, { signal: stop });
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
  /** The system's receipt key: every receipt is signed with it (docs/security.md). */
  receiptKey: SigningKey;
}

function dlqMessage(topic: string, message: IncomingMessage, settlement: Settlement, poison: boolean): OutgoingMessage {
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
      // No delivery could be decoded from it: replaying it as it is would fail the same way.
      ...(poison ? { relais_poison: 'true' } : {}),
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
      // What was applied, signed: the same digest as the router's `delivered` receipt.
      route: delivery.routeId || undefined,
      dataDigest: deliveredData(delivery.data).dataDigest,
    };
    return encodeReceipt(receipt, {
      pivotId: delivery.pivotId,
      source,
      topic: topics.receipts,
      traceparent: childTraceparent(delivery.traceparent),
      signer: options.receiptKey,
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
    // re-send the receipt, so the DLQ message must already be on the broker. The ledger rows (with
    // the versions they move forward) and the receipts do not depend on each other (a crash
    // between them re-applies under the same idempotency key, and receipts are idempotent at the
    // gateway): written side by side, which saves one round trip per batch.
    await bus.publish(dead.map((d) => dlqMessage(topics.dlq(system), d.message, d.settlement, !d.delivery)));
    const applied = decided.flatMap((d) => (d.delivery && !d.replay && d.settlement.outcome === 'applied' ? [d.delivery] : []));
    await Promise.all([
      recordSettled(
        db,
        system,
        decided.flatMap((d) =>
          d.delivery && !d.replay ? [{ eventId: d.delivery.eventId, outcome: d.settlement.outcome, reason: d.settlement.reason }] : [],
        ),
        appliedVersions(applied),
      ),
      bus.publish(decided.flatMap((d) => (d.delivery ? [receiptMessage(d.delivery, d.settlement)] : []))),
    ]);
  };
}
