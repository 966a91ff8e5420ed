/** An audit_log row as the sealer, the verifier and the evidence bundle read it back. */
import type { ChainedEntry } from '../core/audit/append.ts';

/** The columns an entry is hashed from, as read back from `audit_log` (sealer, verifier, evidence). */
export interface AuditRowBody {
  at: Date;
  actor: string;
  action: string;
  change_id: string | null;
  pivot_id: string | null;
  channel: string | null;
  details: Record<string, unknown>;
}

/** Hashed exactly as read back: the sealer and the verifier must see the same entry. */
export function entryOfRow(row: AuditRowBody): ChainedEntry {
  return {
    at: row.at,
    actor: row.actor,
    action: row.action,
    changeId: row.change_id,
    pivotId: row.pivot_id,
    channel: row.channel,
    details: row.details,
  };
}
