/**
 * The connector contract, for connector authors. A connector only connects, maps and writes;
 * the runtime (sink-runtime.ts) owns Kafka consumption, per-citizen ordering, retries with
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
 *                                            configured attempts, then dead-lettered — if the
 *                                            silo answered other deliveries meanwhile. Retriable
 *                                            failures in a row across deliveries mean the silo
 *                                            is down: the runtime's circuit pauses the system,
 *                                            probes, and resumes; deliveries wait (up to the
 *                                            system's patience) instead (runtime/circuit.ts).
 *   the context's signal aborts (timeout)  → treated as retryable; the change reads `unknown`
 *                                            (the silo may have applied it) until a re-apply,
 *                                            idempotent by event id, settles what happened.
 *   throws MappingError (below)            → dead-lettered at once, code EVENT_INVALID.
 *   throws anything else                   → dead-lettered at once (a bug or a poison message).
 * Before apply(), a delivery older than the newest of the same kind already applied for the
 * citizen in this system is settled `superseded` and never reaches the connector (versions.ts).
 *
 * apply() must be idempotent on `delivery.eventId`: the runtime keeps a ledger and skips
 * deliveries already settled, but a crash between the silo's write and the ledger's can
 * deliver once more. Pass the event id to the silo as its idempotency key where it has one.
 * Reasons and error messages end up in receipts, logs and DLQ headers: never put personal
 * data (names, addresses, identifiers) in them.
 *
 * Batch silos (a file per day over SFTP) answer later. Such a sink declares `batchWindow` and
 * `acknowledgements`, and the runtime changes its rhythm (packages/connector-kit/src/runtime/batch-window.ts):
 *   1. each delivery read from Kafka is staged durably (sink_inflight) and its offset committed;
 *      its status stays `delivered`. Already-settled deliveries get their receipt again; a
 *      delivery already in flight is not staged twice.
 *   2. when the staged deliveries reach `maxRecords`, or the oldest has waited `maxAgeMs`, the
 *      runtime calls applyBatch() with them (oldest first, at most maxRecords; one citizen's in
 *      order) — one call per window, from one instance at a time (a lease), with the same
 *      retries, backoff and per-attempt timeout as any apply. Per delivery it may return:
 *        { status: 'handed_over', reference } → the silo has it (a complete file is in its
 *           inbox); no receipt yet. `reference` (a file name) names the hand-over in reasons.
 *           The answer is due within `acknowledgements.deadlineMs`.
 *        applied / rejected                   → settled now (a record the format cannot carry).
 *      A RetryableError or timeout retries the whole window; after maxAttempts, or on any other
 *      error, the whole window is dead-lettered (so a delivery its mapping refuses is answered
 *      `rejected` alone rather than thrown: see MappingError).
 *   3. every `pollIntervalMs`, the runtime calls acknowledgements.poll() with the checkpoint it
 *      saved last (null the first time), under the window's time limit (its signal aborts at the
 *      limit and on stop; a poll that fails or times out is simply made again next round). For each acknowledgement of a handed-over delivery it
 *      records the outcome and publishes the receipt (`applied`, `rejected` with the silo's
 *      reason, or `dead_lettered` with the reason: the DLQ gets the original message); then,
 *      and only then, it saves the returned checkpoint. A crash in between polls from the older
 *      checkpoint again, so poll() must return the same acknowledgements again until it is
 *      given a checkpoint covering them (it may then archive the files it has read).
 *      Acknowledgements for deliveries not (or no longer) in flight are ignored and counted.
 *   4. a handed-over delivery still unanswered at its deadline is dead-lettered with the reason
 *      "no acknowledgement … within … ms", an error log is written (the alert) and the
 *      `ackOverdue` metric hook is called. Replaying the dead letter sends it again; the silo
 *      must treat the event id as the idempotency key of the record.
 * handed_over from a sink without batchWindow is a connector bug (dead-lettered).
 */
import { RelaisError } from '../../../core/errors.ts';
import type { Delivery } from '../../../core/envelopes.ts';
import type { IdentityResolver, SiloCivilData } from '../../../identity/civil-identity.ts';
import type { Logger } from '../../../core/logger.ts';
import type { SettingValues, SettingsTable } from '../../../core/settings.ts';

export type { Delivery, DeliveryFamilyContact } from '../../../core/envelopes.ts';
export type { SiloCivilData } from '../../../identity/civil-identity.ts';

/**
 * What a connector's mapping (pure, in mapping.ts) throws when a delivery or a silo's record
 * cannot be put in the other side's terms: a field the silo requires that the flow does not
 * deliver, a value its vocabulary cannot code, a notification missing its payload. The fault is
 * Relais' (its flow, or the connector), not the silo's, and trying again cannot help: it is a
 * RelaisError with code EVENT_INVALID, not retriable. Let it propagate:
 *   from apply()       → dead-lettered at once with its message (receipt `dead_lettered`), where
 *                        operators see Relais' own faults; never `rejected`, which records the
 *                        silo's decision. A replay sends the same delivery again: it helps once
 *                        the connector is fixed; after a flow fix, the change is sent anew.
 *   from applyBatch()  → would dead-letter the whole window: a batch sink catches it per
 *                        delivery and answers that delivery `rejected` with the message.
 *   in a push source   → answer the silo that the push will never be accepted (a 4xx), so it
 *                        does not retry it.
 * Messages name fields and rules, never values: they reach receipts, logs and DLQ headers.
 */
export class MappingError extends RelaisError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('EVENT_INVALID', message, options);
    this.name = 'MappingError';
  }
}

export type SinkOutcome =
  | { status: 'applied' }
  | { status: 'rejected'; reason: string }
  /** Windowed sinks only: the silo has it and will acknowledge it later (see above). */
  | { status: 'handed_over'; reference: string };

/** A batch sink's window: it closes at `maxRecords` deliveries or when the oldest is `maxAgeMs` old. */
export interface BatchWindow {
  maxRecords: number;
  maxAgeMs: number;
  /** Time limit of one applyBatch attempt (a large upload), instead of the runtime's default. */
  timeoutMs?: number;
}

/**
 * A silo's later answer: about one handed-over delivery (by event id), or about every delivery
 * handed over under one reference (a whole file the silo refused).
 */
export type Acknowledgement = ({ eventId: string } | { reference: string }) & {
  outcome: { status: 'applied' } | { status: 'rejected'; reason: string } | { status: 'dead_lettered'; reason: string };
};

export interface AcknowledgementPoll {
  acknowledgements: Acknowledgement[];
  /** Covers every returned acknowledgement; saved by the runtime after their receipts are out. */
  checkpoint: Checkpoint | null;
}

export interface Acknowledgements {
  pollIntervalMs: number;
  /** How long after the hand-over an answer is due; past it the delivery is dead-lettered. */
  deadlineMs: number;
  poll(checkpoint: Checkpoint | null, context: SourceContext): Promise<AcknowledgementPoll>;
}

export interface SinkContext {
  /** Aborted when the attempt times out; pass it to every I/O call. */
  signal: AbortSignal;
  /** 1 for the first try. */
  attempt: number;
  logger: Logger;
  /**
   * W3C traceparent of this delivery's call to the silo (apply() only): send it with the
   * request where the protocol has a place for it (an HTTP `traceparent` header, a SOAP
   * header), so the silo's own logs join the citizen's trace.
   */
  traceparent?: string;
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
  /** Batch silos: stage deliveries and call applyBatch per window (requires applyBatch and acknowledgements). */
  batchWindow?: BatchWindow;
  /** Batch silos: how the silo's later answers are collected. */
  acknowledgements?: Acknowledgements;
  close?(): Promise<void>;
}

/** What a connector's factories receive; `S` is the connector's own parsed settings. */
export interface ConnectorContext<S = Readonly<Record<string, unknown>>> {
  /** The system instance this connector serves (its name in flows/, e.g. `social-services`). */
  system: string;
  /**
   * The connector's own settings (ConnectorDefinition.settings), read from the environment and
   * validated at the process's start together with the kernel's: an invalid one stops the
   * process before any connector is built. The connector never sees the rest of the configuration.
   */
  settings: S;
  logger: Logger;
}

// ---------------------------------------------------------------------------------------------
// Source side: changes that start inside a silo (a death recorded at the town hall, an address
// declared to the tax office) become canonical events.
//
// Poll lifecycle (runtime: source-runtime.ts): the runtime builds the source once with
// createSource(), reads the system's saved checkpoint (null the first time), then calls poll()
// with it, one call at a time: again at once after a round that moved the checkpoint (more
// pages may wait), after RELAIS_SOURCE_POLL_MS otherwise. For each returned event it checks the
// data against the event type's schema, maps `citizenLocalId` (this silo's identifier) to the
// pivot id through the identity map (a citizen first seen gets one), derives the event id, a
// UUID v5 of (system, recordKey), records the change (visible through the gateway with its
// per-system status), publishes to <prefix>.events with source `/connectors/<system>` and
// origin <system> (so the router never sends it back), waits for Kafka's acknowledgement, and
// only THEN saves `checkpoint`. A crash before the save re-polls from the older checkpoint, so
// poll() must return the same records again with the same `recordKey`s: the re-published
// events carry the same ids and downstream sinks (idempotent on the event id) apply nothing
// twice.
//
// What poll() returns or throws decides what happens next:
//   { events, checkpoint }                 → published in order, then the checkpoint saved.
//   { events: [], checkpoint: same }       → nothing new; the next poll waits the poll interval.
//   an event breaking its schema           → dead-lettered to <prefix>.dlq.source.<system> with
//                                            the fields at fault and the record as read (`raw`),
//                                            counted; the others are published and the checkpoint
//                                            moves on once the dead letters are acknowledged too.
//   a record in `unmapped`                 → the same: dead-lettered with its reason and raw record.
//   throws RetryableError, or times out    → nothing saved; backed off (exponential, capped,
//   (RELAIS_SOURCE_TIMEOUT_MS)               jittered) and polled again from the same checkpoint.
//   throws anything else                   → the same: a source cannot dead-letter what it has
//                                            not read, so the failure streak shows in the
//                                            source's health and logs until it is fixed. A
//                                            record that cannot be mapped is returned in
//                                            `unmapped` (never thrown, which would block the
//                                            source); a record deliberately not published (a
//                                            status the citizen is not shown) is simply left out.
//
// Source dead letters (runtime/source-dead-letters.ts) are re-driven by an operator once the
// cause is fixed (`relais dlq replay <system> --source`): the runtime, between two polls, maps
// the dead letter's raw record again with remap() (the connector's current code; without
// remap(), the event as it was handed over is checked again), checks it, and publishes it
// under the event id the normal path derives from its recordKey — or dead-letters it again with
// the new cause. remap() is pure, like mapping.ts: no I/O; it throws MappingError when the
// record still cannot be mapped.
// The context's signal aborts on timeout and on shutdown; a poll that already returned is
// finished (published, checkpoint saved) before the runtime stops, then close() is called.
//
// Push sources (webhooks) get `publish()` instead: it resolves once Kafka has acknowledged, so
// the push can be acknowledged to the silo only then (the silo retries otherwise).
// ---------------------------------------------------------------------------------------------

declare const checkpointBrand: unique symbol;
/** Opaque to the runtime: only the source that produced it reads it (a cursor, a timestamp+id…). */
export type Checkpoint = string & { readonly [checkpointBrand]: 'Checkpoint' };

export function asCheckpoint(value: string): Checkpoint {
  return value as Checkpoint;
}

/** A canonical event as a source hands it over, before identity resolution and publishing. */
export interface SourceEvent {
  /**
   * The silo's own stable key for this record (and version, if a record can change): the event
   * id is a UUID v5 of (system, recordKey), so the same record always yields the same event id.
   */
  recordKey: string;
  /** A catalogue event type, e.g. `fr.relais.citizen.death.registered.v1`; data must match its schema. */
  type: string;
  /** The citizen as this silo knows them; the runtime maps it to the pivot id (identity map). */
  citizenLocalId: string;
  data: Record<string, unknown>;
  /** When it happened in the silo (RFC 3339); the runtime uses the poll time when absent. */
  time?: string;
  /**
   * The record as the connector read it (JSON-serialisable), kept in the source dead letter if
   * the event breaks its schema, and given back to remap() on a re-drive. Personal data: the
   * dead-letter topic is as sensitive as the silo; never log it.
   */
  raw?: unknown;
}

/** A record the connector read but could not map: dead-lettered by the runtime, not published. */
export interface UnmappedRecord {
  /** The record's key, as for SourceEvent (the dead letter's id is derived from it). */
  recordKey: string;
  /** The record as read (JSON-serialisable); given back to remap() on a re-drive. */
  raw: unknown;
  /** Why it cannot be mapped: fields and rules, never values (it reaches headers and lists). */
  reason: string;
}

export interface PollResult {
  events: SourceEvent[];
  /** Covers every returned event; return the checkpoint you were given when nothing is new. */
  checkpoint: Checkpoint | null;
  /** Records read in this poll that could not be mapped (covered by `checkpoint` too). */
  unmapped?: UnmappedRecord[];
}

export interface SourceContext {
  /** Aborted on shutdown or when the poll times out; pass it to every I/O call. */
  signal: AbortSignal;
  logger: Logger;
}

export interface Source {
  poll(checkpoint: Checkpoint | null, context: SourceContext): Promise<PollResult>;
  /**
   * Maps a dead-lettered record (its `raw`) again, for a re-drive: pure, no I/O; throws
   * MappingError when it still cannot be mapped. Returns the events the record gives (as poll()
   * would), none when it is, with today's code, deliberately not published (the dead letter is
   * then closed as `discarded`).
   */
  remap?(raw: unknown): SourceEvent[];
  close?(): Promise<void>;
}

export interface PushSourceContext<S = Readonly<Record<string, unknown>>> extends ConnectorContext<S> {
  /**
   * Publishes the events (same rules as polled ones) and resolves after Kafka's
   * acknowledgement with the ids published and the count of invalid events (dead-lettered to
   * <prefix>.dlq.source.<system> with their `raw`; answer the silo that these will never be
   * accepted, so it does not retry them). A re-drive of such a dead letter (every few seconds,
   * by the runtime) checks the event as received again: it helps after a catalogue fix. Rejects when the
   * store or Kafka failed: answer so that the silo retries (a retry is safe, ids are derived).
   * `conflicts`: ids of events not published because their record was already received with
   * other data (the first content stands; answer the silo 409: an id names one content).
   */
  publish(events: SourceEvent[], signal?: AbortSignal): Promise<{ published: string[]; invalid: number; conflicts: string[] }>;
  /**
   * Records a one-time value (a request signature, a nonce) for `ttlMs`: true the first time,
   * false if it was seen before and has not expired — in any instance of this connector, across
   * restarts (it is kept in the store). Refuse a push whose signature was seen: it is a replay.
   */
  firstSeen(nonce: string, ttlMs: number): Promise<boolean>;
}

export interface PushSource {
  /** Starts listening (an HTTP endpoint, a queue…); returns once it accepts pushes. */
  start(): Promise<void>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Listing a silo's files (optional): onboarding a population from the silo itself
// (`relais identities import <system> --from-silo`, identity/population-import.ts). The import
// matches each file's civil data against the register and links, holds or reports it, exactly
// as for an exported file; the connector only reads.
//
// Lifecycle: the import process builds the lister once with createFileLister(), calls list()
// once with the cursor it saved last (null the first time), reads the iterable to its end (or
// stops reading it when aborted), then calls close(). It commits records in batches and saves,
// with each batch, the `cursor` of its last file; after a crash it calls list() with that cursor.
// So list(after) must yield, in one stable order (the silo's keyset: its identifier ascending,
// say), every file that comes after `after`, each once; paging is the lister's business (one
// request or query per page, never the whole silo in memory). Files created while a listing
// runs may or may not be seen; a later import sees them.
//
// What list() yields or throws decides what happens next:
//   a SiloFile                              → matched and recorded (its outcome row) in order.
//   a SiloFile missing a civil field        → recorded `invalid`, the report naming the field.
//   throws RetryableError (silo down…)      → the import stops with the message; what was
//                                             committed stays, a rerun resumes after it.
//   throws anything else                    → the same (the message names what was being listed).
// The context's signal aborts when the operator interrupts the import: stop paging promptly.
// Messages never carry personal data (they are printed and logged).
// ---------------------------------------------------------------------------------------------

/** One of the silo's files on a person. */
export interface SiloFile {
  /** The silo's identifier of the person: the identifier the crosswalk links. */
  localId: string;
  civil: SiloCivilData;
  /** Resumes the listing after this file: list(cursor) yields the files that follow it. */
  cursor: Checkpoint;
}

export interface FileLister {
  list(after: Checkpoint | null, context: SourceContext): AsyncIterable<SiloFile>;
  close?(): Promise<void>;
}

/**
 * What a connector module exports as its default export (a folder's index.ts, or an npm
 * package's entry): connectors/registry.ts lists the modules Relais ships, RELAIS_CONNECTORS
 * adds others. `T` is its settings table (declared with defineSettings in its config.ts); the
 * factories receive the parsed values as `context.settings`.
 */
export interface ConnectorDefinition<T extends SettingsTable = SettingsTable> {
  /** The connector kind: its folder name, the `connector:` value in flow files. */
  kind: string;
  description: string;
  /** Event types its sink can apply. */
  accepts: string[];
  /** Event types its source can emit. */
  emits?: string[];
  /**
   * Its environment variables (variable, default, parser, description, secret): validated with
   * the kernel's at every process start, listed in docs/configuration.md (`npm run gen`). A
   * secret may also be given as `<VAR>_FILE`.
   */
  settings: T;
  createSink?(context: ConnectorContext<SettingValues<T>>): Sink | Promise<Sink>;
  createSource?(context: ConnectorContext<SettingValues<T>>): Source | Promise<Source>;
  /** Null when the connector's configuration leaves its push source off (the runtime runs without it). */
  createPushSource?(context: PushSourceContext<SettingValues<T>>): PushSource | null | Promise<PushSource | null>;
  /**
   * For an authoritative register: finds the persons matching civil data (identity/
   * civil-identity.ts). The gateway process builds it once at start, for the first system in the
   * flows whose connector offers it, and calls search() when a change names a citizen by civil
   * data; errors it throws are answered 503 (retriable) or 422 (the register refused the search).
   */
  createIdentityResolver?(context: ConnectorContext<SettingValues<T>>): IdentityResolver;
  /**
   * For a silo whose population can be onboarded from the silo itself: lists its files with the
   * silo's identifier and civil data (see "Listing a silo's files" above). Built by
   * `relais identities import <system> --from-silo` only; the connector's process never calls it.
   */
  createFileLister?(context: ConnectorContext<SettingValues<T>>): FileLister | Promise<FileLister>;
}
