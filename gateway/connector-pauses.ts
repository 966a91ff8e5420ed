/**
 * Pausing and resuming deliveries to one system (docs/adr/0040-pausing-a-connector.md). The
 * pause is a row in `connector_pauses`, written with its audit entry in one transaction
 * (`system.paused` with the reason, `system.resumed`; no personal data); the system's sink
 * runtime reads it and waits before applying, so deliveries stay `delivered` and the lag grows.
 * Pausing a paused system, or resuming one that is not paused, is a 409: the operator's view was
 * stale, and the audit log should not say something happened that did not.
 */
import { appendAudit } from '../core/audit/append.ts';
import type { Db, Queryable } from '../core/store/db.ts';
import type { components } from './generated/api.ts';
import { HttpProblem } from './problems.ts';

export type Pause = NonNullable<components['schemas']['SystemPause']>;

interface PauseRow {
  system: string;
  paused_at: Date;
  paused_by: string;
  reason: string;
}

const view = (row: PauseRow): Pause => ({ since: new Date(row.paused_at).toISOString(), by: row.paused_by, reason: row.reason });

/** The pauses of these systems, by system. */
export async function pausesOf(db: Queryable, systems: string[]): Promise<Map<string, Pause>> {
  const found = await db.query<PauseRow>(
    'SELECT system, paused_at, paused_by, reason FROM connector_pauses WHERE system = ANY($1::text[])',
    [systems],
  );
  return new Map(found.rows.map((r) => [r.system, view(r)]));
}

export async function pauseSystem(db: Db, system: string, reason: string, actor: string): Promise<Pause> {
  // The refusal is thrown outside the transaction: the store classifies what escapes one.
  const pause = await db.transaction(async (tx) => {
    const inserted = await tx.query<PauseRow>(
      `INSERT INTO connector_pauses (system, paused_by, reason) VALUES ($1, $2, $3)
       ON CONFLICT (system) DO NOTHING RETURNING system, paused_at, paused_by, reason`,
      [system, actor, reason],
    );
    const row = inserted.rows[0];
    if (!row) return undefined;
    await appendAudit(tx, { actor, action: 'system.paused', details: { system, reason } });
    return view(row);
  });
  if (!pause) throw new HttpProblem('store-conflict', `deliveries to ${system} are already paused`);
  return pause;
}

export async function resumeSystem(db: Db, system: string, actor: string): Promise<void> {
  const resumed = await db.transaction(async (tx) => {
    const deleted = await tx.query<PauseRow>(
      'DELETE FROM connector_pauses WHERE system = $1 RETURNING system, paused_at, paused_by, reason',
      [system],
    );
    const row = deleted.rows[0];
    if (!row) return false;
    await appendAudit(tx, {
      actor,
      action: 'system.resumed',
      details: { system, pausedAt: new Date(row.paused_at).toISOString(), pausedBy: row.paused_by },
    });
    return true;
  });
  if (!resumed) throw new HttpProblem('store-conflict', `deliveries to ${system} are not paused`);
}
