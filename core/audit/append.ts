/**
 * The audit log's one way in. Every accepted change, every decision (identity review, replay,
 * discard, rights refusal, erasure), every administrative action and every read of personal data
 * is appended here, inside the caller's transaction, so an entry exists exactly when the decision
 * it records does.
 *
 * Why one function rather than an INSERT where each decision is taken: the log is tamper-evident
 * (each entry carries the hash of the previous one), which only holds if nothing writes to
 * `audit_log` another way; `relais audit verify` (proof/audit-verify.ts) recomputes the chain. `scripts/lint/architecture.test.ts` checks that no other
 * production file names the table in an INSERT.
 */
import { canonicalJson } from '../canonical-json.ts';
import { isUuid } from '../ids.ts';
import { sha256Hex } from '../signing.ts';
import type { Db, Queryable } from '../store/db.ts';

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

/** An entry as stored and as hashed: what the verifier reads back from a row. */
export interface ChainedEntry {
  at: Date;
  actor: string;
  action: string;
  changeId: string | null;
  pivotId: string | null;
  channel: string | null;
  details: Record<string, unknown>;
}

/** The chain's first `prev_hash`. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * An entry's link: sha256 over the previous entry's hash and the digest of the entry's canonical
 * JSON. The position (`seq`) is not hashed: order is the chain of `prev_hash` links, so two
 * entries swapped break a link, and `seq` only finds them fast. Hashing the body's digest rather
 * than the body lets an evidence bundle show other entries of the chain by their digest alone
 * (proof/evidence.ts) and still be checked link by link.
 */
export function linkHash(prevHash: string, bodyDigest: string): string {
  return sha256Hex(`${prevHash}\n${bodyDigest}`);
}

export function bodyDigest(entry: ChainedEntry): string {
  return sha256Hex(canonicalJson({ ...entry, at: entry.at.toISOString() }));
}

export function chainHash(prevHash: string, entry: ChainedEntry): string {
  return linkHash(prevHash, bodyDigest(entry));
}

/**
 * Appends one entry in `store`: the caller's transaction, so that it commits or rolls back with
 * the decision, or the pool, for an entry of its own.
 *
 * Why a row lock on `audit_chain_head`: each entry needs the hash of the one before, so appends
 * are serialised per instance. The lock is taken here, as late as the caller's transaction allows,
 * and held until it commits; an advisory lock would serialise the same way but leave the head's
 * hash to be read separately. Two round trips per entry (lock and read the head; insert and move
 * it); the bench measures the cost (docs/performance.md).
 */
export async function appendAudit(store: Queryable | Db, entry: AuditEntry): Promise<void> {
  // Given the pool rather than a transaction (an audited read has nothing else to commit), the
  // row lock would end with its own statement and two appends would read the same head: the
  // entry gets a transaction of its own.
  if (isDb(store)) return store.transaction((tx) => appendInTransaction(tx, entry));
  return appendInTransaction(store, entry);
}

function isDb(store: Queryable | Db): store is Db {
  return typeof (store as Partial<Db>).transaction === 'function';
}

async function appendInTransaction(tx: Queryable, entry: AuditEntry): Promise<void> {
  const head = await tx.query<{ seq: string; hash: string; change_id: string | null }>(
    `SELECT h.seq::text AS seq, h.hash, (SELECT id FROM changes WHERE id = $1::uuid) AS change_id
       FROM audit_chain_head h WHERE h.id = 1 FOR UPDATE OF h`,
    [entry.changeId && isUuid(entry.changeId) ? entry.changeId : null],
  );
  const { seq: headSeq, hash: prevHash, change_id: changeId } = head.rows[0]!;
  const chained: ChainedEntry = {
    at: new Date(),
    actor: entry.actor,
    action: entry.action,
    changeId,
    pivotId: entry.pivotId && isUuid(entry.pivotId) ? entry.pivotId : null,
    channel: entry.channel ?? null,
    // What jsonb gives back: no undefined members, dates as strings.
    details: JSON.parse(JSON.stringify(entry.details ?? {})) as Record<string, unknown>,
  };
  const hash = chainHash(prevHash, chained);
  const seq = (BigInt(headSeq) + 1n).toString();
  await tx.query(
    `WITH entry AS (
       INSERT INTO audit_log (seq, at, actor, action, change_id, pivot_id, channel, details, prev_hash, hash)
       VALUES ($1::bigint, $2, $3, $4, $5::uuid, $6::uuid, $7, $8, $9, $10)
     )
     UPDATE audit_chain_head SET seq = $1::bigint, hash = $10 WHERE id = 1`,
    [
      seq,
      chained.at,
      chained.actor,
      chained.action,
      chained.changeId,
      chained.pivotId,
      chained.channel,
      JSON.stringify(chained.details),
      prevHash,
      hash,
    ],
  );
}
