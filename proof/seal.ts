/**
 * The sealer: links appended audit entries into the hash chain (core/audit/append.ts inserts them
 * unsealed, without waiting for one another).
 *
 * An entry is sealed only once the transaction that wrote it has ended: its transaction id is
 * older than every transaction still running (`pg_snapshot_xmin`). From then on nothing can appear
 * before it, so the order the sealer gives (insertion order, `id`) is final, and a rolled-back
 * entry, never visible, takes no position. Sealing holds the chain head's row lock, so gateway
 * replicas sealing at once take turns; appenders never wait for it. Entries wait unsealed for
 * one round (RELAIS_AUDIT_SEAL_MS) or as long as a transaction that was running when they were
 * written — statement timeouts bound that — and `relais audit verify` counts them as pending.
 */
import { chainHash } from '../core/audit/append.ts';
import { entryOfRow, type AuditRowBody } from './audit-row.ts';
import type { Db, Queryable } from '../core/store/db.ts';

interface UnsealedRow extends AuditRowBody {
  id: string;
}

const BATCH = 5000;

/** Seals every entry whose transaction has ended; returns how many. */
export async function sealAuditEntries(store: Queryable | Db): Promise<number> {
  let sealed = 0;
  for (;;) {
    const round = await (isDb(store) ? store.transaction((tx) => sealBatch(tx)) : sealBatch(store));
    sealed += round;
    if (round < BATCH) return sealed;
  }
}

function isDb(store: Queryable | Db): store is Db {
  return typeof (store as Partial<Db>).transaction === 'function';
}

async function sealBatch(tx: Queryable): Promise<number> {
  const head = await tx.query<{ seq: string; hash: string }>('SELECT seq::text AS seq, hash FROM audit_chain_head WHERE id = 1 FOR UPDATE');
  let { seq: headSeq, hash: prevHash } = head.rows[0]!;
  // Read after the lock: another sealer's rows are sealed (seq set) by the time it is ours.
  const pending = await tx.query<UnsealedRow>(
    `SELECT id::text AS id, at, actor, action, change_id, pivot_id, channel, details FROM audit_log
      WHERE seq IS NULL AND txid IS NOT NULL AND txid < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY id LIMIT ${BATCH}`,
  );
  if (pending.rows.length === 0) return 0;
  const ids: string[] = [];
  const seqs: string[] = [];
  const prevHashes: string[] = [];
  const hashes: string[] = [];
  let seq = BigInt(headSeq);
  for (const row of pending.rows) {
    // Hashed as read back, as the verifier will read it (jsonb's own form of details).
    const hash = chainHash(prevHash, entryOfRow(row));
    seq += 1n;
    ids.push(row.id);
    seqs.push(seq.toString());
    prevHashes.push(prevHash);
    hashes.push(hash);
    prevHash = hash;
  }
  headSeq = seq.toString();
  await tx.query(
    `WITH sealed AS (
       UPDATE audit_log SET seq = s.seq, prev_hash = s.prev_hash, hash = s.hash
         FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS s(id, seq, prev_hash, hash)
        WHERE audit_log.id = s.id
     )
     UPDATE audit_chain_head SET seq = $5::bigint, hash = $6 WHERE id = 1`,
    [ids, seqs, prevHashes, hashes, headSeq, prevHash],
  );
  return pending.rows.length;
}
