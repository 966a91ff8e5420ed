/**
 * Recording a change in the state store: the change, one `pending` row per recipient system, its
 * audit entry and, for the gateway, its outbox row (the event the relay will publish). Shared by
 * the gateway (changes told through a channel) and the source runtime (changes that start inside
 * a silo, which it publishes itself), so a change reads the same through GET /v1/changes/{id} and
 * the citizen's timeline wherever it started, and receipts settle both the same way
 * (docs/adr/0006-source-changes-in-the-store.md).
 */
import type { OutgoingMessage } from '../bus/types.ts';
import { appendAudit } from '../audit/append.ts';
import type { Queryable } from './db.ts';

export interface ChangeRecord {
  id: string;
  type: string;
  /** Null while the change is held for an identity review (who it is about is not decided). */
  pivotId: string | null;
  /** Its number among the citizen's changes (lockForChange); null while held for a review. */
  seq?: number | undefined;
  /** `held` for a change waiting for an identity review. */
  review?: 'held' | undefined;
  /** How the citizen told Relais; absent for a change that started inside a silo. */
  channel?: string | undefined;
  /** Who told Relais: a credential's name, or `connector:<system>` for a source. */
  caller: string;
  /** The system the change came from; it never receives it back. */
  originSystem?: string | undefined;
  /** Systems the citizen chose (citizen-request routes). */
  recipients?: string[] | undefined;
  data: unknown;
  traceparent: string;
  idempotencyKey?: string | undefined;
  requestHash: string;
  acceptedAt: Date;
  /** Systems the flows route it to (core/flows/plan.ts planDeliveries): each gets a `pending` status. */
  plannedSystems: string[];
  /** Systems the flows route it to that hold no file on the citizen (concernedOnly): no status, kept for the change's view. */
  notConcerned?: { system: string; reason: string }[] | undefined;
  /** The event to publish, written to the outbox with the change (the gateway's outbox relay sends it). */
  outbox?: OutgoingMessage | undefined;
}

/** An outbox row's columns: what the relay hands to Kafka as it is. */
function outboxColumns(message: OutgoingMessage): [string, string, string, string] {
  return [message.topic, message.key, JSON.stringify(message.headers), message.value.toString('utf8')];
}

/** Writes an event to the outbox, in the caller's transaction (the relay publishes it after the commit). */
export async function insertOutbox(tx: Queryable, message: OutgoingMessage): Promise<void> {
  await tx.query('INSERT INTO outbox (topic, message_key, headers, payload) VALUES ($1, $2, $3, $4)', outboxColumns(message));
}

/**
 * Inserts the change, its recipients, its audit entry and its outbox row (when given); call
 * inside a transaction. Returns false (and writes nothing) when a change with this id is already
 * stored, so a source re-publishing a record after a crash records it once.
 */
export async function insertChange(tx: Queryable, record: ChangeRecord): Promise<boolean> {
  // One statement, one round trip: the recipients and the outbox row are written from the
  // `change` CTE, so they exist only if the change row was inserted (not on a conflict). The audit
  // entry follows through appendAudit, the log's one way in (core/audit/append.ts).
  const inserted = await tx.query<{ inserted: number }>(
    `WITH change AS (
       INSERT INTO changes (id, type, pivot_id, channel, caller, origin_system, recipients, data, traceparent, idempotency_key, request_hash, accepted_at, review, seq, not_concerned)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $19, $20)
       ON CONFLICT (id) DO NOTHING
       RETURNING id
     ), recipients AS (
       INSERT INTO change_recipients (change_id, system, status, status_at)
       SELECT change.id, system, 'pending', $12 FROM change, unnest($14::text[]) AS system
     ), outbox AS (
       INSERT INTO outbox (topic, message_key, headers, payload)
       SELECT $15::text, $16::text, $17::jsonb, $18::text FROM change WHERE $15::text IS NOT NULL
     )
     SELECT count(*)::int AS inserted FROM change`,
    [
      record.id,
      record.type,
      record.pivotId,
      record.channel ?? null,
      record.caller,
      record.originSystem ?? null,
      record.recipients ?? null,
      JSON.stringify(record.data),
      record.traceparent,
      record.idempotencyKey ?? null,
      record.requestHash,
      record.acceptedAt,
      record.review ?? null,
      record.plannedSystems,
      ...(record.outbox ? outboxColumns(record.outbox) : [null, null, null, null]),
      record.seq ?? null,
      record.notConcerned?.length ? JSON.stringify(record.notConcerned) : null,
    ],
  );
  if ((inserted.rows[0]?.inserted ?? 0) === 0) return false;
  await appendAudit(tx, {
    actor: record.caller,
    action: 'change.accepted',
    changeId: record.id,
    pivotId: record.pivotId,
    channel: record.channel ?? null,
    details: {
      type: record.type,
      recipients: record.plannedSystems,
      origin: record.originSystem ?? null,
      ...(record.review ? { review: record.review } : {}),
    },
  });
  return true;
}

/** One `pending` status per system the change is routed to (at acceptance, or when a review releases it). */
export async function insertRecipients(tx: Queryable, changeId: string, systems: string[], at: Date): Promise<void> {
  if (systems.length === 0) return;
  await tx.query(
    `INSERT INTO change_recipients (change_id, system, status, status_at)
     SELECT $1, system, 'pending', $3 FROM unnest($2::text[]) AS system`,
    [changeId, systems, at],
  );
}

/** The change a caller already sent with this Idempotency-Key, and the hash of what it sent. */
export async function changeByIdempotencyKey(
  db: Queryable,
  caller: string,
  key: string,
): Promise<{ id: string; requestHash: string } | undefined> {
  const result = await db.query<{ id: string; request_hash: string }>(
    'SELECT id, request_hash FROM changes WHERE caller = $1 AND idempotency_key = $2',
    [caller, key],
  );
  const row = result.rows[0];
  return row && { id: row.id, requestHash: row.request_hash };
}
