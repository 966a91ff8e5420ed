/**
 * The source runtime's checkpoints: per system, the last checkpoint a source returned whose
 * events Kafka has acknowledged, and the source's failure streak (its health, readable by any
 * process that shares the store). Rows are keyed by system name. Also the one-time values push
 * sources have accepted (source_nonces), to refuse replays.
 */
import { asCheckpoint, type Checkpoint } from '../contract.ts';
import type { Queryable } from '../../../../core/store/db.ts';

export interface SourceState {
  checkpoint: Checkpoint | null;
  savedAt?: Date | undefined;
  consecutiveFailures: number;
  lastError?: string | undefined;
  lastErrorAt?: Date | undefined;
}

interface Row {
  checkpoint: string | null;
  saved_at: Date | null;
  consecutive_failures: number;
  last_error: string | null;
  last_error_at: Date | null;
}

export async function readSourceState(db: Queryable, system: string): Promise<SourceState> {
  const result = await db.query<Row>(
    'SELECT checkpoint, saved_at, consecutive_failures, last_error, last_error_at FROM source_checkpoints WHERE system = $1',
    [system],
  );
  const row = result.rows[0];
  if (!row) return { checkpoint: null, consecutiveFailures: 0 };
  return {
    checkpoint: row.checkpoint === null ? null : asCheckpoint(row.checkpoint),
    savedAt: row.saved_at ?? undefined,
    consecutiveFailures: row.consecutive_failures,
    lastError: row.last_error ?? undefined,
    lastErrorAt: row.last_error_at ?? undefined,
  };
}

/** Saves the checkpoint and clears the failure streak (a save follows a successful round). */
export async function saveCheckpoint(db: Queryable, system: string, checkpoint: Checkpoint): Promise<void> {
  await db.query(
    `INSERT INTO source_checkpoints (system, checkpoint, saved_at, consecutive_failures) VALUES ($1, $2, now(), 0)
     ON CONFLICT (system) DO UPDATE SET checkpoint = EXCLUDED.checkpoint, saved_at = now(), consecutive_failures = 0`,
    [system, checkpoint],
  );
}

/** Records the failure streak (`failures` 0 clears it; the last error stays for the record). */
export async function recordSourceHealth(db: Queryable, system: string, failures: number, error?: string): Promise<void> {
  await db.query(
    `INSERT INTO source_checkpoints (system, consecutive_failures, last_error, last_error_at) VALUES ($1, $2, $3, CASE WHEN $3::text IS NULL THEN NULL ELSE now() END)
     ON CONFLICT (system) DO UPDATE SET consecutive_failures = EXCLUDED.consecutive_failures,
       last_error = COALESCE(EXCLUDED.last_error, source_checkpoints.last_error),
       last_error_at = COALESCE(EXCLUDED.last_error_at, source_checkpoints.last_error_at)`,
    [system, failures, error ?? null],
  );
}

/** Records a push source's one-time value; true if it was not already recorded (and unexpired). */
export async function recordNonce(db: Queryable, system: string, nonce: string, ttlMs: number): Promise<boolean> {
  const inserted = await db.query(
    `INSERT INTO source_nonces (system, nonce, expires_at) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
     ON CONFLICT (system, nonce) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE source_nonces.expires_at < now()
     RETURNING nonce`,
    [system, nonce, ttlMs],
  );
  return inserted.rows.length > 0;
}

/** Forgets expired one-time values. */
export async function forgetExpiredNonces(db: Queryable): Promise<void> {
  await db.query('DELETE FROM source_nonces WHERE expires_at < now()');
}
