/**
 * The batch-window runtime for sinks whose silo takes files and answers later (contract.ts,
 * "Batch silos"). Deliveries wait in sink_inflight (staged by the sink runner); one instance per
 * system (a lease) runs a loop that, each round:
 *   1. hands the staged deliveries to applyBatch per window (size or age), with the usual
 *      retries, and marks the handed-over ones with their deadline; a delivery older than what
 *      is applied for its citizen (versions.ts) is settled `superseded` instead;
 *   2. every poll interval, collects the silo's acknowledgements, writes their outcomes (ledger,
 *      receipts, DLQ) and only then saves the poller's checkpoint;
 *   3. dead-letters handed-over deliveries past their deadline, with an error log (the alert).
 * Every step is safe to repeat after a crash: at worst a window is handed over twice (the silo
 * deduplicates on the event id) or a receipt is sent twice (same receipt id).
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Bus, IncomingMessage } from '../../../../core/bus/types.ts';
import { decodeDelivery, type Delivery } from '../../../../core/envelopes.ts';
import { describeError } from '../../../../core/errors.ts';
import { groupBy } from '../../../../core/group-by.ts';
import type { Logger } from '../../../../core/logger.ts';
import type { Db, Queryable } from '../../../../core/store/db.ts';
import { holdLease, releaseLease } from '../../../../core/store/lease.ts';
import type { TopicNames } from '../../../../core/topics.ts';
import { withTimeLimit } from './backoff.ts';
import type { CitizenKeys } from '../../../../privacy/citizen-keys.ts';
import { ERASED, openMessages } from '../../../../privacy/sealed-messages.ts';
import { asCheckpoint, type Acknowledgement, type Checkpoint, type Sink } from '../contract.ts';
import { loadAppliedVersions, supersedeStale } from './versions.ts';
import type { SiloCircuit } from './circuit.ts';
import { decide, StopRequested, type Decided, type RetryPolicy, type Settlement, type SinkMetrics } from './settlement.ts';

interface StoredMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  value: string;
  timestamp: number;
}

interface InflightRow {
  event_id: string;
  message: StoredMessage;
  reference: string | null;
}

const toStored = (m: IncomingMessage): StoredMessage => ({
  topic: m.topic,
  partition: m.partition,
  offset: m.offset,
  key: m.key ?? null,
  headers: m.headers,
  value: m.value.toString('base64'),
  timestamp: m.timestamp,
});

const fromStored = (m: StoredMessage): IncomingMessage => ({ ...m, key: m.key ?? undefined, value: Buffer.from(m.value, 'base64') });

/** Stages deliveries in arrival order; one already in flight is left as it is. */
export async function stageDeliveries(
  db: Queryable,
  system: string,
  pending: { message: IncomingMessage; delivery: Delivery }[],
): Promise<void> {
  if (pending.length === 0) return;
  await db.query(
    `INSERT INTO sink_inflight (system, event_id, message)
     SELECT $1, t.event_id, t.message FROM unnest($2::uuid[], $3::jsonb[]) WITH ORDINALITY AS t (event_id, message, n) ORDER BY t.n
     ON CONFLICT (system, event_id) DO NOTHING`,
    [system, pending.map((p) => p.delivery.eventId), pending.map((p) => JSON.stringify(toStored(p.message)))],
  );
}

export interface BatchWindowOptions {
  system: string;
  /** The citizens' data keys: staged deliveries stay sealed in sink_inflight and are opened to hand over (privacy/). */
  citizenKeys?: CitizenKeys | undefined;
  /** Staged deliveries dropped because their citizen was erased meanwhile. */
  erased?: ((count: number) => void) | undefined;
  sink: Sink;
  bus: Bus;
  db: Db;
  topics: TopicNames;
  logger: Logger;
  retry: RetryPolicy;
  timeoutMs: number;
  write: (decided: Decided[]) => Promise<void>;
  metrics?: SinkMetrics | undefined;
  circuit?: SiloCircuit | undefined;
  instanceId?: string;
}

export interface RunningWindow {
  /** New deliveries were staged: check the window now rather than at the next round. */
  nudge(): void;
  stop(): Promise<void>;
}

export function startBatchWindow(options: BatchWindowOptions): RunningWindow {
  const { system, sink, db, logger, metrics } = options;
  const window = sink.batchWindow!;
  const acks = sink.acknowledgements!;
  const lease = `sink-window:${system}`;
  const holder = options.instanceId ?? `${hostname()}-${randomUUID().slice(0, 8)}`;
  const roundMs = Math.max(20, Math.min(1000, window.maxAgeMs / 2, acks.pollIntervalMs));
  const stopping = new AbortController();
  let wake: () => void = () => undefined;
  let nextAckPoll = 0;
  let failures = 0;

  /**
   * Staged rows as decisions: each delivery decoded from its opened copy (the stored message stays
   * sealed, for a dead letter); a row whose citizen was erased while it waited is dropped, uncounted
   * as an outcome (nothing of it can be sent).
   */
  const rowsToDecided = async (rows: InflightRow[], settlement: (row: InflightRow) => Settlement): Promise<Decided[]> => {
    const messages = rows.map((row) => fromStored(row.message));
    const opened = options.citizenKeys ? await openMessages(options.citizenKeys, db, messages) : messages;
    const erased = rows.filter((_, i) => opened[i] === ERASED).map((row) => row.event_id);
    if (erased.length > 0) {
      await db.query('DELETE FROM sink_inflight WHERE system = $1 AND event_id = ANY($2::uuid[])', [system, erased]);
      options.erased?.(erased.length);
    }
    return messages.flatMap((message, i) => {
      const readable = opened[i]!;
      return readable === ERASED ? [] : [{ message, delivery: decodeDelivery(readable), settlement: settlement(rows[i]!) }];
    });
  };

  async function settle(decided: Decided[]): Promise<void> {
    if (decided.length === 0) return;
    await options.write(decided);
    await db.query('DELETE FROM sink_inflight WHERE system = $1 AND event_id = ANY($2::uuid[])', [
      system,
      decided.map((d) => d.delivery!.eventId),
    ]);
  }

  /** Hands over windows while one is full or old enough. */
  async function flush(): Promise<void> {
    for (;;) {
      const state = await db.query<{ count: number; age_ms: number }>(
        `SELECT count(*)::int AS count, coalesce(extract(epoch FROM now() - min(staged_at)) * 1000, 0)::float8 AS age_ms
         FROM sink_inflight WHERE system = $1 AND handed_over_at IS NULL`,
        [system],
      );
      const { count = 0, age_ms = 0 } = state.rows[0] ?? {};
      if (count === 0 || (count < window.maxRecords && age_ms < window.maxAgeMs)) return;
      const rows = await db.query<InflightRow>(
        'SELECT event_id, message, reference FROM sink_inflight WHERE system = $1 AND handed_over_at IS NULL ORDER BY seq LIMIT $2',
        [system, window.maxRecords],
      );
      const staged = await rowsToDecided(rows.rows, () => ({ outcome: 'handed_over', attempts: 0 }));
      const superseded = new Map<IncomingMessage, Decided>();
      const versions = await loadAppliedVersions(
        db,
        system,
        staged.map((d) => d.delivery!),
      );
      const decided = supersedeStale(
        staged.map((d) => ({ ...d, delivery: d.delivery! })),
        versions,
        superseded,
      );
      await settle([...superseded.values()]);
      if (decided.length === 0) continue;
      const deliveries = decided.map((d) => d.delivery);
      const settlements = await decide(
        { system, retry: options.retry, timeoutMs: options.timeoutMs, handOver: true, metrics, circuit: options.circuit },
        deliveries.length,
        async (attempt, signal) => (sink.applyBatch ? sink.applyBatch(deliveries, { signal, attempt, logger }) : []),
        stopping.signal,
      );
      decided.forEach((d, i) => (d.settlement = settlements[i]!));
      const handed = decided.filter((d) => d.settlement.outcome === 'handed_over');
      for (const [reference, ids] of groupIds(handed)) {
        await db.query(
          `UPDATE sink_inflight SET handed_over_at = now(), due_at = now() + $3 * interval '1 millisecond', reference = $4
           WHERE system = $1 AND event_id = ANY($2::uuid[])`,
          [system, ids, acks.deadlineMs, reference],
        );
      }
      if (handed.length > 0) metrics?.handedOver?.(system, handed.length);
      await settle(decided.filter((d) => d.settlement.outcome !== 'handed_over'));
    }
  }

  async function collectAcknowledgements(): Promise<void> {
    const saved = await db.query<{ checkpoint: string }>('SELECT checkpoint FROM sink_ack_checkpoints WHERE system = $1', [system]);
    const checkpoint: Checkpoint | null = saved.rows[0] ? asCheckpoint(saved.rows[0].checkpoint) : null;
    // Time-limited like a hand-over: a silo that stopped answering must not stall the window
    // (no new hand-overs, no overdue alert) until its connection dies.
    const result = await withTimeLimit(
      options.timeoutMs,
      'acknowledgement poll',
      (signal) => acks.poll(checkpoint, { signal, logger }),
      stopping.signal,
    );
    const byId = new Map<string, Acknowledgement>();
    const byReference = new Map<string, Acknowledgement>();
    for (const ack of result.acknowledgements) {
      if ('eventId' in ack) byId.set(ack.eventId, ack);
      else byReference.set(ack.reference, ack);
    }
    if (byId.size > 0 || byReference.size > 0) {
      const rows = await db.query<InflightRow>(
        `SELECT event_id, message, reference FROM sink_inflight
         WHERE system = $1 AND (event_id = ANY($2::uuid[]) OR (handed_over_at IS NOT NULL AND reference = ANY($3::text[])))`,
        [system, [...byId.keys()], [...byReference.keys()]],
      );
      await settle(
        await rowsToDecided(rows.rows, (row) => acknowledged((byId.get(row.event_id) ?? byReference.get(row.reference ?? ''))!)),
      );
      const ignored = [...byId.keys()].filter((id) => !rows.rows.some((r) => r.event_id === id)).length;
      if (ignored > 0) {
        metrics?.ackIgnored?.(system, ignored);
        logger.debug({ ignored }, 'acknowledgements for deliveries not awaiting one');
      }
    }
    if (result.checkpoint !== null && result.checkpoint !== checkpoint) {
      await db.query(
        `INSERT INTO sink_ack_checkpoints (system, checkpoint) VALUES ($1, $2)
         ON CONFLICT (system) DO UPDATE SET checkpoint = EXCLUDED.checkpoint, updated_at = now()`,
        [system, result.checkpoint],
      );
    }
  }

  async function expireOverdue(): Promise<void> {
    const rows = await db.query<InflightRow>(
      'SELECT event_id, message, reference FROM sink_inflight WHERE system = $1 AND handed_over_at IS NOT NULL AND due_at < now() ORDER BY seq LIMIT 1000',
      [system],
    );
    if (rows.rows.length === 0) return;
    const decided = await rowsToDecided(rows.rows, (row) => {
      const reason = `no acknowledgement from ${system} for ${row.reference ?? 'its batch'} within ${acks.deadlineMs} ms`;
      return { outcome: 'dead_lettered', reason, attempts: 1, error: { code: 'SILO_ACK_OVERDUE', message: reason, retriable: true } };
    });
    for (const [reference, ids] of groupIds(decided, (d) => rows.rows.find((r) => r.event_id === d.delivery!.eventId)?.reference ?? '')) {
      logger.error(
        { reference, deliveries: ids.length, deadlineMs: acks.deadlineMs },
        'no acknowledgement before the deadline: deliveries dead-lettered',
      );
    }
    metrics?.ackOverdue?.(system, decided.length);
    await settle(decided);
  }

  async function round(): Promise<void> {
    if (!(await holdLease(db, lease, holder, Math.max(15_000, roundMs * 10)))) return;
    await flush();
    if (Date.now() >= nextAckPoll) {
      await collectAcknowledgements();
      nextAckPoll = Date.now() + acks.pollIntervalMs;
    }
    await expireOverdue();
  }

  const loop = (async () => {
    while (!stopping.signal.aborted) {
      try {
        await round();
        failures = 0;
      } catch (error) {
        if (error instanceof StopRequested || stopping.signal.aborted) break;
        failures++;
        if (failures === 1 || failures % 10 === 0)
          logger.warn({ failures, error: describeError(error) }, 'batch window round failed; trying again');
      }
      const pause = failures > 0 ? Math.min(30_000, roundMs * 2 ** Math.min(failures, 6)) : roundMs;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pause);
        wake = () => (clearTimeout(timer), resolve());
        stopping.signal.addEventListener('abort', wake, { once: true });
      });
    }
  })();

  return {
    nudge: () => wake(),
    async stop() {
      stopping.abort();
      wake();
      await loop;
      await releaseLease(db, lease, holder).catch(() => undefined);
    },
  };
}

function acknowledged(ack: Acknowledgement): Settlement {
  const { outcome } = ack;
  if (outcome.status === 'applied') return { outcome: 'applied', attempts: 1 };
  if (outcome.status === 'rejected') return { outcome: 'rejected', reason: outcome.reason, attempts: 1 };
  return {
    outcome: 'dead_lettered',
    reason: outcome.reason,
    attempts: 1,
    error: { code: 'SILO_REFUSED', message: outcome.reason, retriable: false },
  };
}

/** Event ids by hand-over reference (a file name). */
function groupIds(decided: Decided[], referenceOf: (d: Decided) => string = (d) => d.settlement.reference ?? ''): [string, string[]][] {
  return [...groupBy(decided, referenceOf)].map(([reference, group]) => [reference, group.map((d) => d.delivery!.eventId)]);
}
