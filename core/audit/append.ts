/**
 * The audit log's one way in. Every accepted change, every decision (identity review, replay,
 * discard, rights refusal, erasure), every administrative action and every read of personal data
 * is appended here, inside the caller's transaction, so an entry exists exactly when the decision
 * it records does.
 *
 * Why one function rather than an INSERT where each decision is taken: the log is meant to become
 * tamper-evident (each entry carrying the hash of the previous one), which only holds if nothing
 * writes to `audit_log` another way. `scripts/lint/architecture.test.ts` checks that no other
 * production file names the table in an INSERT.
 */
import { isUuid } from '../ids.ts';
import type { Queryable } from '../store/db.ts';

/** What an audit entry says; `details` never holds personal data in clear (ids, codes, systems). */
export interface AuditEntry {
  /** Who: a credential's name, an agent's subject, or a process (`router`, `gateway`). */
  actor: string;
  /** What, as a dotted verb: `change.accepted`, `dlq.replayed`, `identity.review.matched`… */
  action: string;
  /** The change concerned; kept only if a change with this id is stored (else null). */
  changeId?: string | null;
  pivotId?: string | null;
  channel?: string | null;
  details?: Record<string, unknown>;
}

/** Appends one entry in `tx` (a transaction, so that it commits or rolls back with the decision). */
export async function appendAudit(tx: Queryable, entry: AuditEntry): Promise<void> {
  const changeId = entry.changeId && isUuid(entry.changeId) ? entry.changeId : null;
  const pivotId = entry.pivotId && isUuid(entry.pivotId) ? entry.pivotId : null;
  await tx.query(
    `INSERT INTO audit_log (actor, action, change_id, pivot_id, channel, details)
     VALUES ($1, $2, (SELECT id FROM changes WHERE id = $3::uuid), $4::uuid, $5, $6)`,
    [entry.actor, entry.action, changeId, pivotId, entry.channel ?? null, JSON.stringify(entry.details ?? {})],
  );
}
