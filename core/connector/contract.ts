/**
 * The connector contract, for connector authors. A connector only connects, maps and writes;
 * the runtime (sink-runner.ts) owns Kafka consumption, per-citizen ordering, retries with
 * backoff, dead letters, receipts, idempotency, metrics and graceful shutdown.
 *
 * Sink lifecycle: the runtime builds the sink once with createSink(), calls apply() for each
 * delivery of the system's topic, and close() once on shutdown, after the last apply returned.
 * One citizen's deliveries arrive one at a time and in order; deliveries of DIFFERENT citizens
 * may be applied concurrently (RELAIS_SINK_CONCURRENCY, default 8), so apply() must be safe to
 * call concurrently (set the concurrency to 1 for a silo that cannot take parallel calls).
 *
 * What apply() returns or throws decides what happens next:
 *   { status: 'applied' }                  → receipt `applied`; never applied again.
 *   { status: 'rejected', reason }         → receipt `rejected` with the reason; not retried.
 *   throws RetryableError (core/errors.ts) → retried with exponential backoff up to the
 *                                            configured attempts, then dead-lettered.
 *   the context's signal aborts (timeout)  → treated as retryable.
 *   throws anything else                   → dead-lettered at once (a bug or a poison message).
 *
 * apply() must be idempotent on `delivery.eventId`: the runtime keeps a ledger and skips
 * deliveries already settled, but a crash between the silo's write and the ledger's can
 * deliver once more. Pass the event id to the silo as its idempotency key where it has one.
 * Reasons and error messages end up in receipts, logs and DLQ headers: never put personal
 * data (names, addresses, identifiers) in them.
 */
import type { Delivery } from '../envelopes.ts';
import type { Logger } from '../logger.ts';
import type { RelaisConfig } from '../config.ts';

export type { Delivery } from '../envelopes.ts';

export type SinkOutcome = { status: 'applied' } | { status: 'rejected'; reason: string };

export interface SinkContext {
  /** Aborted when the attempt times out; pass it to every I/O call. */
  signal: AbortSignal;
  /** 1 for the first try. */
  attempt: number;
  logger: Logger;
}

export interface Sink {
  apply(delivery: Delivery, context: SinkContext): Promise<SinkOutcome>;
  /**
   * Optional batch form, for silos that take several records in one call. When present, the
   * runtime calls it (instead of apply) with the undecided deliveries of one Kafka partition's
   * batch, in order, and expects one outcome per delivery, in the same order. A RetryableError
   * (or a timeout) retries the whole batch; any other error dead-letters the whole batch.
   */
  applyBatch?(deliveries: Delivery[], context: SinkContext): Promise<SinkOutcome[]>;
  close?(): Promise<void>;
}

export interface ConnectorContext {
  /** The system instance this connector serves (its name in flows/, e.g. `social-services`). */
  system: string;
  config: RelaisConfig;
  logger: Logger;
}

/** What a connector folder's index.ts exports; connectors/registry.ts lists them. */
export interface ConnectorDefinition {
  /** The connector kind: its folder name, the `connector:` value in flow files. */
  kind: string;
  description: string;
  /** Event types its sink can apply. */
  accepts: string[];
  createSink?(context: ConnectorContext): Sink | Promise<Sink>;
}
