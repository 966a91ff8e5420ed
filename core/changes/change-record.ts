/**
 * Recording a change in the state store: the change, one `pending` row per recipient system and
 * its audit entry. Shared by the gateway (changes told through a channel, which adds its outbox
 * row in the same transaction) and the source runtime (changes that start inside a silo), so a
 * change reads the same through GET /v1/changes/{id} and the citizen's timeline wherever it
 * started, and receipts settle both the same way (docs/adr/0006-source-changes-in-the-store.md).
 */
import type { Queryable } from '../store/db.ts';

export interface ChangeRecord {
  id: string;
  type: string;
  pivotId: string;
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
  /** Systems the flows route it to: each gets a `pending` status. */
  plannedSystems: string[];
}

/**
 * Inserts the change, its recipients and its audit entry; call inside a transaction. Returns
 * false (and writes nothing) when a change with this id is already stored, so a source
 * re-publishing a record after a crash records it once.
 */
export async function insertChange(tx: Queryable, record: ChangeRecord): Promise<boolean> {
  const inserted = await tx.query(
    `INSERT INTO changes (id, type, pivot_id, channel, caller, origin_system, recipients, data, traceparent, idempotency_key, request_hash, accepted_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (id) DO NOTHING`,
    [
      record.id, record.type, record.pivotId, record.channel ?? null, record.caller, record.originSystem ?? null, record.recipients ?? null,
      JSON.stringify(record.data), record.traceparent, record.idempotencyKey ?? null, record.requestHash, record.acceptedAt,
    ],
  );
  if (inserted.rowCount === 0) return false;
  if (record.plannedSystems.length > 0) {
    await tx.query(
      `INSERT INTO change_recipients (change_id, system, status, status_at)
       SELECT $1, system, 'pending', $3 FROM unnest($2::text[]) AS system`,
      [record.id, record.plannedSystems, record.acceptedAt],
    );
  }
  await tx.query(
    `INSERT INTO audit_log (actor, action, change_id, pivot_id, channel, details) VALUES ($1, 'change.accepted', $2, $3, $4, $5)`,
    [
      record.caller, record.id, record.pivotId, record.channel ?? null,
      JSON.stringify({ type: record.type, recipients: record.plannedSystems, origin: record.originSystem ?? null }),
    ],
  );
  return true;
}
