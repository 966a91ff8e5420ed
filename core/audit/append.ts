/**
 * The audit log's one way in. Every accepted change, every decision (identity review, replay,
 * discard, rights refusal, erasure), every administrative action and every read of personal data
 * is appended here, inside the caller's transaction, so an entry exists exactly when the decision
 * it records does.
 *
 * Why one function rather than an INSERT where each decision is taken: the log is tamper-evident
 * (each entry carries the hash of the previous one, set by the sealer: seal.ts), which only holds
 * if nothing writes to `audit_log` another way; `relais audit verify` (proof/audit-verify.ts) recomputes the chain. `scripts/lint/architecture.test.ts` checks that no other
 * production file names the table in an INSERT.
 */
import { canonicalJson } from '../canonical-json.ts';
import { isUuid } from '../ids.ts';
import { sha256Hex } from '../signing.ts';
import type { Queryable } from '../store/db.ts';

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
 * Why no lock here: each entry needs the hash of the one before, and taking the chain's head
 * inside every audited transaction made those transactions commit one at a time (182 changes/s
 * instead of 1,354 on the same PostgreSQL: ADR 0021). The entry is inserted with the id of the
 * transaction writing it; the sealer (seal.ts) links it into the chain once that transaction has
 * ended, in the order entries were inserted. One statement, no wait.
 */
export async function appendAudit(store: Queryable, entry: AuditEntry): Promise<void> {
  await appendAudits(store, [entry]);
}

/** Appends entries in one statement, in their order (a group commit's changes: gateway/changes/group-commit.ts). */
export async function appendAudits(store: Queryable, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const uuidOrNull = (id: string | null | undefined) => (id && isUuid(id) ? id : null);
  await store.query(
    `INSERT INTO audit_log (at, actor, action, change_id, pivot_id, channel, details, txid)
     SELECT $1, e.actor, e.action, (SELECT id FROM changes WHERE id = e.change_id), e.pivot_id, e.channel, e.details, pg_current_xact_id()
       FROM unnest($2::text[], $3::text[], $4::uuid[], $5::uuid[], $6::text[], $7::jsonb[]) WITH ORDINALITY AS e(actor, action, change_id, pivot_id, channel, details, n)
      ORDER BY e.n`,
    [
      new Date(),
      entries.map((e) => e.actor),
      entries.map((e) => e.action),
      entries.map((e) => uuidOrNull(e.changeId)),
      entries.map((e) => uuidOrNull(e.pivotId)),
      entries.map((e) => e.channel ?? null),
      // What jsonb gives back: no undefined members, dates as strings.
      entries.map((e) => JSON.stringify(e.details ?? {})),
    ],
  );
}
