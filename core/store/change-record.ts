/**
 * Recording a change in the state store: the change, one `pending` row per recipient system, its
 * audit entry and, for the gateway, its outbox row (the event the relay will publish). Shared by
 * the gateway (changes told through a channel) and the source runtime (changes that start inside
 * a silo, which it publishes itself), so a change reads the same through GET /v1/changes/{id} and
 * the citizen's timeline wherever it started, and receipts settle both the same way
 * (docs/adr/0006-source-changes-in-the-store.md).
 */
import type { OutgoingMessage } from '../bus/types.ts';
import { appendAudits } from '../audit/append.ts';
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
  return (await insertChanges(tx, [record])).has(record.id);
}

/**
 * insertChange for many changes in one statement and one audit statement, whatever their number
 * (the gateway's group commit): the recipients and outbox rows are written from the `change` CTE,
 * so they exist only for changes inserted (not on a conflict), and the outbox rows take ids in
 * the records' order, the order the relay publishes them in. Returns the ids inserted.
 */
export async function insertChanges(tx: Queryable, records: ChangeRecord[]): Promise<Set<string>> {
  if (records.length === 0) return new Set();
  const column = <T>(pick: (r: ChangeRecord) => T) => records.map(pick);
  const outbox = records.map((r) => (r.outbox ? outboxColumns(r.outbox) : [null, null, null, null]));
  const recipients = records.flatMap((r) => r.plannedSystems.map((system) => [r.id, system, r.acceptedAt] as const));
  const inserted = await tx.query<{ id: string }>(
    `WITH change AS (
       INSERT INTO changes (id, type, pivot_id, channel, caller, origin_system, recipients, data, traceparent, idempotency_key, request_hash, accepted_at, review, seq, not_concerned)
       SELECT c.id, c.type, c.pivot_id, c.channel, c.caller, c.origin_system,
              CASE WHEN c.recipients IS NOT NULL THEN ARRAY(SELECT jsonb_array_elements_text(c.recipients)) END,
              c.data, c.traceparent, c.idempotency_key, c.request_hash, c.accepted_at, c.review, c.seq, c.not_concerned
         FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::jsonb[], $9::text[], $10::text[], $11::text[], $12::timestamptz[], $13::text[], $14::bigint[], $15::jsonb[])
              AS c(id, type, pivot_id, channel, caller, origin_system, recipients, data, traceparent, idempotency_key, request_hash, accepted_at, review, seq, not_concerned)
       ON CONFLICT (id) DO NOTHING
       RETURNING id
     ), recipients AS (
       INSERT INTO change_recipients (change_id, system, status, status_at)
       SELECT r.change_id, r.system, 'pending', r.at FROM unnest($16::uuid[], $17::text[], $18::timestamptz[]) AS r(change_id, system, at)
        WHERE r.change_id IN (SELECT id FROM change)
     ), outbox AS (
       INSERT INTO outbox (topic, message_key, headers, payload)
       SELECT o.topic, o.message_key, o.headers, o.payload
         FROM unnest($1::uuid[], $19::text[], $20::text[], $21::jsonb[], $22::text[]) WITH ORDINALITY AS o(change_id, topic, message_key, headers, payload, n)
        WHERE o.topic IS NOT NULL AND o.change_id IN (SELECT id FROM change) ORDER BY o.n
     )
     SELECT id::text AS id FROM change`,
    [
      column((r) => r.id),
      column((r) => r.type),
      column((r) => r.pivotId),
      column((r) => r.channel ?? null),
      column((r) => r.caller),
      column((r) => r.originSystem ?? null),
      // A text[] column as jsonb, so that one array parameter carries a list per row.
      column((r) => (r.recipients ? JSON.stringify(r.recipients) : null)),
      column((r) => JSON.stringify(r.data)),
      column((r) => r.traceparent),
      column((r) => r.idempotencyKey ?? null),
      column((r) => r.requestHash),
      column((r) => r.acceptedAt),
      column((r) => r.review ?? null),
      column((r) => r.seq ?? null),
      column((r) => (r.notConcerned?.length ? JSON.stringify(r.notConcerned) : null)),
      recipients.map(([id]) => id),
      recipients.map(([, system]) => system),
      recipients.map(([, , at]) => at),
      ...[0, 1, 2, 3].map((i) => outbox.map((o) => o[i] ?? null)),
    ],
  );
  const ids = new Set(inserted.rows.map((row) => row.id));
  await appendAudits(
    tx,
    records
      .filter((r) => ids.has(r.id))
      .map((record) => ({
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
      })),
  );
  return ids;
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
