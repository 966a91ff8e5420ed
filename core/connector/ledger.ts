/**
 * The sink runtime's idempotency ledger: which deliveries a system has settled (applied,
 * rejected or dead-lettered), keyed by event id. A redelivered message already in the ledger
 * is acknowledged without calling the silo again.
 */
import type { Queryable } from '../store/db.ts';

export type LedgerOutcome = 'applied' | 'rejected' | 'dead_lettered';

export async function settledEvents(db: Queryable, system: string, eventIds: string[]): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const result = await db.query<{ event_id: string }>('SELECT event_id FROM sink_ledger WHERE system = $1 AND event_id = ANY($2::uuid[])', [
    system,
    eventIds,
  ]);
  return new Set(result.rows.map((r) => r.event_id));
}

export async function recordSettled(db: Queryable, system: string, eventId: string, outcome: LedgerOutcome, reason?: string): Promise<void> {
  await db.query(
    `INSERT INTO sink_ledger (system, event_id, outcome, reason) VALUES ($1, $2, $3, $4)
     ON CONFLICT (system, event_id) DO UPDATE SET outcome = EXCLUDED.outcome, reason = EXCLUDED.reason, recorded_at = now()`,
    [system, eventId, outcome, reason ?? null],
  );
}
