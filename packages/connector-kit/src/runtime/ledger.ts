/**
 * The sink runtime's idempotency ledger: what each system decided for each delivery, by event
 * id. A redelivered message already applied or rejected is acknowledged without calling the silo
 * again, nor is a superseded one (a newer change was applied: versions.ts); a dead-lettered one is
 * tried again (that is how a DLQ replay works).
 */
import type { Queryable } from '../../../../core/store/db.ts';
import type { AppliedVersion } from './versions.ts';

export type LedgerOutcome = 'applied' | 'rejected' | 'superseded' | 'dead_lettered';

export interface LedgerEntry {
  eventId: string;
  outcome: LedgerOutcome;
  reason?: string | undefined;
}

/** The final decisions (applied, rejected or superseded) already recorded for these events, by event id. */
export async function settledEvents(db: Queryable, system: string, eventIds: string[]): Promise<Map<string, LedgerEntry>> {
  if (eventIds.length === 0) return new Map();
  const result = await db.query<{ event_id: string; outcome: LedgerOutcome; reason: string | null }>(
    "SELECT event_id, outcome, reason FROM sink_ledger WHERE system = $1 AND event_id = ANY($2::uuid[]) AND outcome IN ('applied', 'rejected', 'superseded')",
    [system, eventIds],
  );
  return new Map(result.rows.map((r) => [r.event_id, { eventId: r.event_id, outcome: r.outcome, reason: r.reason ?? undefined }]));
}

/**
 * Records a batch's decisions (event ids must be distinct) and the versions its applied
 * deliveries move forward (versions.ts), in ONE statement: one round trip and one commit per
 * batch, where two statements side by side cost two commits (docs/performance.md). The versions'
 * insert is a data-modifying CTE: it runs whether or not the batch has any.
 */
export async function recordSettled(db: Queryable, system: string, entries: LedgerEntry[], versions: AppliedVersion[] = []): Promise<void> {
  if (entries.length === 0 && versions.length === 0) return;
  await db.query(
    `WITH versions AS (
       INSERT INTO sink_versions (system, pivot_id, kind, seq, event_id)
       SELECT $1, pivot_id, kind, seq, event_id FROM unnest($5::uuid[], $6::text[], $7::bigint[], $8::uuid[]) AS v (pivot_id, kind, seq, event_id)
       ON CONFLICT (system, pivot_id, kind) DO UPDATE SET seq = EXCLUDED.seq, event_id = EXCLUDED.event_id, applied_at = now()
         WHERE sink_versions.seq < EXCLUDED.seq
     )
     INSERT INTO sink_ledger (system, event_id, outcome, reason)
     SELECT $1, event_id, outcome, reason FROM unnest($2::uuid[], $3::text[], $4::text[]) AS t (event_id, outcome, reason)
     ON CONFLICT (system, event_id) DO UPDATE SET outcome = EXCLUDED.outcome, reason = EXCLUDED.reason, recorded_at = now()`,
    [
      system,
      entries.map((e) => e.eventId),
      entries.map((e) => e.outcome),
      entries.map((e) => e.reason ?? null),
      versions.map((v) => v.pivotId),
      versions.map((v) => v.kind),
      versions.map((v) => v.seq),
      versions.map((v) => v.eventId),
    ],
  );
}
