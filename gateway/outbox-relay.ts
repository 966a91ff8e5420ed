/**
 * The outbox relay: publishes stored changes to Kafka, in batches, and marks them sent.
 *
 * Why a lease and not per-row claims: events of one citizen must reach Kafka in the order they
 * were accepted. Two relays claiming disjoint row sets (FOR UPDATE SKIP LOCKED) could publish a
 * citizen's second change before their first. So among gateway replicas, one relay holds a
 * time-limited lease (a row in `leases`, renewed once half of it has run) and publishes; the others stand
 * by and take over when it expires. The relay reads every unsent row in id order rather than
 * "ids above the last one", so a row whose transaction committed late is never skipped.
 *
 * Guarantees: at-least-once (a crash or a timed-out publish that did reach Kafka sends a row
 * again; the sinks' ledger makes the effect exactly-once). Kafka down: rows wait, the relay
 * backs off and retries; nothing accepted is lost.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Bus, OutgoingMessage } from '../core/bus/types.ts';
import { describeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { Db } from '../core/store/db.ts';
import { holdLease, releaseLease } from '../core/store/lease.ts';

export interface OutboxRelayOptions {
  db: Db;
  bus: Bus;
  logger: Logger;
  batchSize: number;
  pollMs: number;
  leaseMs: number;
  /** Distinguishes replicas in the lease; defaults to host + random suffix. */
  instanceId?: string;
  /**
   * Run before the first publish, retried until it succeeds: creates the topics, so a gateway
   * started while Kafka was down still publishes once Kafka is up.
   */
  prepare?: () => Promise<void>;
  /** Hooks for metrics; every hook is optional. */
  metrics?: { published?(count: number): void };
}

export interface OutboxStats {
  published: number;
  failures: number;
  /** Failed rounds since the last successful one (0 when publishing works). */
  consecutiveFailures: number;
  leader: boolean;
  lastError?: string;
  /** performance.now() when the round under way began; undefined between rounds. */
  roundStartedAt?: number | undefined;
}

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  headers: Record<string, string>;
  payload: string;
}

const LEASE = 'outbox-relay';

export class OutboxRelay {
  readonly stats: OutboxStats = { published: 0, failures: 0, consecutiveFailures: 0, leader: false };
  private readonly instanceId: string;
  private prepared = false;
  /** performance.now() after which the held lease is renewed (see holdLease). */
  private renewLeaseAt = 0;
  private stopping = new AbortController();
  private wake = new AbortController();
  private loop: Promise<void> | undefined;

  private readonly options: OutboxRelayOptions;

  constructor(options: OutboxRelayOptions) {
    this.options = options;
    this.instanceId = options.instanceId ?? `${hostname()}-${randomUUID().slice(0, 8)}`;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** A change was committed: publish now rather than at the next poll. */
  nudge(): void {
    // abort() builds its DOMException reason even when the signal is already aborted.
    if (!this.wake.signal.aborted) this.wake.abort();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.wake.abort();
    await this.loop;
    this.loop = undefined;
    this.renewLeaseAt = 0;
    if (this.stats.leader) {
      // Hand over at once instead of making a replica wait for the lease to expire.
      await releaseLease(this.options.db, LEASE, this.instanceId).catch(() => undefined);
    }
  }

  /** Unsent rows, for readiness and metrics. */
  async backlog(): Promise<{ count: number; oldestAgeMs: number }> {
    const result = await this.options.db.query<{ count: number; oldest: Date | null }>(
      'SELECT count(*)::int AS count, min(created_at) AS oldest FROM outbox WHERE sent_at IS NULL',
    );
    const row = result.rows[0];
    return { count: row?.count ?? 0, oldestAgeMs: row?.oldest ? Date.now() - new Date(row.oldest).getTime() : 0 };
  }

  /**
   * Takes the lease, or renews it once half of it has run. Renewing is a commit (a WAL flush);
   * renewing every round cost one per batch. Skipping it while the lease is young is safe: no
   * replica can take over before it expires, and the holder renews well before that. The age
   * is measured from before the renewal was sent, so it errs on the early side.
   */
  private async holdLease(): Promise<boolean> {
    const asked = performance.now();
    if (this.stats.leader && asked < this.renewLeaseAt) return true;
    const held = await holdLease(this.options.db, LEASE, this.instanceId, this.options.leaseMs);
    this.renewLeaseAt = held ? asked + this.options.leaseMs / 2 : 0;
    return held;
  }

  /** Publishes one batch; returns how many rows went out. */
  async publishBatch(): Promise<number> {
    const { db, bus, batchSize } = this.options;
    const rows = await db.query<OutboxRow>(
      // ORDER BY the column, not the text alias: '10' sorts before '9'.
      'SELECT id::text AS id, topic, message_key, headers, payload FROM outbox WHERE sent_at IS NULL ORDER BY outbox.id LIMIT $1',
      [batchSize],
    );
    if (rows.rows.length === 0) return 0;
    const messages: OutgoingMessage[] = rows.rows.map((row) => ({
      topic: row.topic,
      key: row.message_key,
      headers: row.headers,
      value: Buffer.from(row.payload, 'utf8'),
    }));
    const ids = rows.rows.map((row) => row.id);
    try {
      await bus.publish(messages);
    } catch (error) {
      await db.query('UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[])', [
        ids,
        describeError(error).slice(0, 500),
      ]);
      throw error;
    }
    await db.query('UPDATE outbox SET sent_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ANY($1::bigint[])', [ids]);
    this.stats.published += ids.length;
    this.options.metrics?.published?.(ids.length);
    return ids.length;
  }

  /** Waits `ms`, or less if nudged meanwhile (a nudge during a publish is not lost). */
  private async idle(ms: number): Promise<void> {
    if (!this.wake.signal.aborted) {
      await sleep(ms, undefined, { signal: AbortSignal.any([this.wake.signal, this.stopping.signal]) }).catch(() => undefined);
    }
    this.wake = new AbortController();
  }

  /**
   * Why the relay is not publishing, or undefined when it is: a streak of failed rounds, or a
   * round that has run longer than `hungAfterMs` (a store or broker that accepts and never
   * answers fails no round: without this the relay would read as healthy while nothing moves).
   */
  trouble(hungAfterMs: number): string | undefined {
    const { roundStartedAt, consecutiveFailures, lastError } = this.stats;
    const running = roundStartedAt === undefined ? 0 : performance.now() - roundStartedAt;
    if (running > hungAfterMs) return `a publishing round has run for ${Math.round(running)} ms without finishing`;
    if (consecutiveFailures > 0) return `cannot publish (${consecutiveFailures} failed rounds): ${lastError ?? ''}`;
    return undefined;
  }

  private async run(): Promise<void> {
    const { logger, pollMs } = this.options;
    let failures = 0;
    while (!this.stopping.signal.aborted) {
      this.stats.roundStartedAt = performance.now();
      try {
        this.stats.leader = await this.holdLease();
        if (!this.stats.leader) {
          this.stats.roundStartedAt = undefined;
          await this.idle(pollMs * 5);
          continue;
        }
        if (!this.prepared && this.options.prepare) await this.options.prepare();
        this.prepared = true;
        const sent = await this.publishBatch();
        if (failures > 0) logger.info({ after: failures }, 'outbox relay publishing again');
        failures = 0;
        this.stats.consecutiveFailures = 0;
        this.stats.roundStartedAt = undefined;
        // A full batch means more may be waiting: go again at once.
        if (sent < this.options.batchSize) await this.idle(pollMs);
      } catch (error) {
        this.stats.roundStartedAt = undefined;
        // After a failed round the lease is taken again before publishing: while the store was
        // cut off it may have expired and gone to a replica, and believing it still held would
        // publish beside that replica until the next renewal.
        this.stats.leader = false;
        this.renewLeaseAt = 0;
        failures++;
        this.stats.failures++;
        this.stats.consecutiveFailures = failures;
        this.stats.lastError = describeError(error);
        if (failures === 1 || failures % 20 === 0)
          logger.warn({ failures, error: this.stats.lastError }, 'outbox relay cannot publish; changes wait in the outbox');
        await sleep(Math.min(5000, 100 * 2 ** Math.min(failures, 6)), undefined, { signal: this.stopping.signal }).catch(() => undefined);
      }
    }
  }
}
