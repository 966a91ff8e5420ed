/**
 * The sink runtime's idempotency ledger: what each system decided for each delivery, by event
 * id. A redelivered message already applied or rejected is acknowledged without calling the silo
 * again; a dead-lettered one is tried again (that is how a DLQ replay works).
 */
import type { Queryable } from '../store/db.ts';

export type LedgerOutcome = 'applied' | 'rejected' | 'dead_lettered';

export async function settledEvents(db: Queryable, system: string, eventIds: string[]): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  // A dead letter is not settled for good: replayed from the DLQ once its cause is fixed, it is
  // applied again. Applied and rejected deliveries are final.
  const result = await db.query<{ event_id: string }>(
    "SELECT event_id FROM sink_ledger WHERE system = $1 AND event_id = ANY($2::uuid[]) AND outcome IN ('applied', 'rejected')",
    [
      system,
      eventIds,
    ],
  );
  return new Set(result.rows.map((r) => r.event_id));
}

export async function recordSettled(db: Queryable, system: string, eventId: string, outcome: LedgerOutcome, reason?: string): Promise<void> {
  await db.query(
    `INSERT INTO sink_ledger (system, event_id, outcome, reason) VALUES ($1, $2, $3, $4)
     ON CONFLICT (system, event_id) DO UPDATE SET outcome = EXCLUDED.outcome, reason = EXCLUDED.reason, recorded_at = now()`,
    [system, eventId, outcome, reason ?? null],
  );
}
