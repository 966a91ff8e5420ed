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
import type { Db, Queryable } from '../core/store/db.ts';
import { sealAuditEntries } from './seal.ts';

/** What a checkpoint's JWS payload says. */
export interface CheckpointStatement {
  iss: 'relais-audit';
  seq: number;
  hash: string;
  signedAt: string;
}

/** Seals what can be, then signs the head when entries were sealed since the last checkpoint; returns what it signed. */
export async function writeCheckpoint(db: Queryable | Db, key: SigningKey): Promise<CheckpointStatement | undefined> {
  await sealAuditEntries(db);
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

/**
 * Seals appended entries every `sealMs` and checkpoints every `intervalMs`, once more on close
 * (gateway replicas may both do it: they take turns on the head, one checkpoint row per position).
 */
export function startCheckpointer(options: { db: Db; key: SigningKey; intervalMs: number; sealMs: number; logger: Logger }): {
  close(): Promise<void>;
} {
  // One round at a time: a slow store must not pile rounds up.
  let running: Promise<unknown> = Promise.resolve();
  const after = (work: () => Promise<unknown>, failure: string): void => {
    running = running.then(work).catch((error: unknown) => options.logger.warn({ error: describeError(error) }, failure));
  };
  const seal = (): void => after(() => sealAuditEntries(options.db), 'sealing audit entries failed');
  const sign = (): void => after(() => writeCheckpoint(options.db, options.key), 'signing an audit checkpoint failed');
  const timers = [setInterval(seal, options.sealMs), setInterval(sign, options.intervalMs)];
  for (const timer of timers) timer.unref();
  return {
    async close() {
      for (const timer of timers) clearInterval(timer);
      sign();
      await running;
    },
  };
}
