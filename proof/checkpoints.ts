/**
 * Signed checkpoints of the audit log: at intervals the gateway signs the chain's head (its
 * position and hash) with the instance's key. The chain alone shows an entry edited, removed or
 * moved; a checkpoint also shows entries cut from the tail, or the whole chain recomputed after
 * an edit, since neither can be re-signed without the private key.
 */
import { canonicalJson } from '../core/canonical-json.ts';
import { describeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { signJws, type SigningKey } from '../core/signing.ts';
import type { Queryable } from '../core/store/db.ts';

/** What a checkpoint's JWS payload says. */
export interface CheckpointStatement {
  iss: 'relais-audit';
  seq: number;
  hash: string;
  signedAt: string;
}

/** Signs the head when entries were appended since the last checkpoint; returns what it signed. */
export async function writeCheckpoint(db: Queryable, key: SigningKey): Promise<CheckpointStatement | undefined> {
  const head = await db.query<{ seq: string; hash: string; last: string | null }>(
    `SELECT seq::text AS seq, hash, (SELECT max(seq)::text FROM audit_checkpoints) AS last FROM audit_chain_head WHERE id = 1`,
  );
  const row = head.rows[0];
  if (!row || row.seq === '0' || row.seq === row.last) return undefined;
  const statement: CheckpointStatement = { iss: 'relais-audit', seq: Number(row.seq), hash: row.hash, signedAt: new Date().toISOString() };
  await db.query(
    `INSERT INTO audit_checkpoints (seq, hash, signed_at, key_id, jws) VALUES ($1::bigint, $2, $3, $4, $5) ON CONFLICT (seq) DO NOTHING`,
    [row.seq, row.hash, statement.signedAt, key.kid, signJws(key, canonicalJson(statement))],
  );
  return statement;
}

/** Checkpoints every `intervalMs`, and once more on close (gateway replicas may both sign: one row per position). */
export function startCheckpointer(options: { db: Queryable; key: SigningKey; intervalMs: number; logger: Logger }): {
  close(): Promise<void>;
} {
  let running: Promise<unknown> = Promise.resolve();
  const tick = (): void => {
    running = writeCheckpoint(options.db, options.key).catch((error: unknown) =>
      options.logger.warn({ error: describeError(error) }, 'signing an audit checkpoint failed'),
    );
  };
  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  return {
    async close() {
      clearInterval(timer);
      await running;
      tick();
      await running;
    },
  };
}
