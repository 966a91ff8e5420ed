/**
 * `relais audit verify`: recomputes the audit log's hash chain from the rows as they are and
 * checks every signed checkpoint against it, naming each entry that is not what was appended.
 *
 *   altered       an entry's content no longer matches its hash (edited in place)
 *   missing       positions absent from the chain (deleted)
 *   out-of-order  an intact entry that does not link to the one before it (moved, or its
 *                 predecessor replaced by another)
 *   rewritten     a signed checkpoint does not match the chain (recomputed after an edit)
 *   truncated     a checkpoint (or the chain's head) is beyond the last entry (tail deleted)
 *   signature     a checkpoint whose signature is wrong or made with an unpublished key
 */
import { chainHash, GENESIS_HASH } from '../core/audit/append.ts';
import { entryOfRow, type AuditRowBody } from './audit-row.ts';
import { describeError } from '../core/errors.ts';
import { verifyJws, type PublicJwk } from '../core/signing.ts';
import type { Queryable } from '../core/store/db.ts';
import type { CheckpointStatement } from './checkpoints.ts';

export type AuditProblemKind = 'altered' | 'missing' | 'out-of-order' | 'rewritten' | 'truncated' | 'signature';

export interface AuditProblem {
  kind: AuditProblemKind;
  /** The chain position concerned. */
  seq: number;
  message: string;
}

export interface AuditReport {
  entries: number;
  /** Entries from before the chain existed (migration 090): not verifiable. */
  unchained: number;
  /** Entries appended but not sealed yet (proof/seal.ts): the next round links them. */
  pending: number;
  lastSeq: number;
  lastCheckpoint?: { seq: number; signedAt: string; kid: string } | undefined;
  /** Entries after the last checkpoint: a cut there would not show until the next one. */
  uncovered: number;
  problems: AuditProblem[];
}

/** An audit_log row as read back (the verifier and the evidence bundle read the same columns). */
export interface AuditRow extends AuditRowBody {
  seq: string;
  prev_hash: string;
  hash: string;
}

interface Checkpoint {
  seq: number;
  hash: string;
  signedAt: string;
  kid: string;
}

const PAGE = 5000;

/** Checks each checkpoint's signature (an `audit` key) and that it says what its row says. */
function checkCheckpoints(
  rows: { seq: string; hash: string; signed_at: Date; key_id: string; jws: string }[],
  keys: readonly PublicJwk[],
  problems: AuditProblem[],
): Checkpoint[] {
  const auditKeys = keys.filter((key) => key.signer === 'audit');
  const valid: Checkpoint[] = [];
  for (const row of rows) {
    const seq = Number(row.seq);
    try {
      const statement = JSON.parse(verifyJws(row.jws, auditKeys).payload.toString('utf8')) as CheckpointStatement;
      if (statement.seq !== seq || statement.hash !== row.hash) throw new Error('its signed statement differs from its row');
      valid.push({ seq, hash: statement.hash, signedAt: statement.signedAt, kid: row.key_id });
    } catch (error) {
      problems.push({ kind: 'signature', seq, message: `checkpoint at entry ${seq}: ${describeError(error)}` });
    }
  }
  return valid;
}

export async function verifyAuditLog(db: Queryable, keys: readonly PublicJwk[]): Promise<AuditReport> {
  const problems: AuditProblem[] = [];
  const checkpointRows = await db.query<{ seq: string; hash: string; signed_at: Date; key_id: string; jws: string }>(
    'SELECT seq::text AS seq, hash, signed_at, key_id, jws FROM audit_checkpoints ORDER BY audit_checkpoints.seq',
  );
  const checkpoints = checkCheckpoints(checkpointRows.rows, keys, problems);
  const checkpointAt = new Map(checkpoints.map((c) => [c.seq, c]));
  const counts = await db.query<{ unchained: number; pending: number; head: string }>(
    `SELECT (SELECT count(*)::int FROM audit_log WHERE seq IS NULL AND txid IS NULL) AS unchained,
            (SELECT count(*)::int FROM audit_log WHERE seq IS NULL AND txid IS NOT NULL) AS pending,
            (SELECT seq::text FROM audit_chain_head WHERE id = 1) AS head`,
  );
  let prevHash = GENESIS_HASH;
  let expected = 1;
  let entries = 0;
  for (let after = 0; ;) {
    const page = await db.query<AuditRow>(
      `SELECT seq::text AS seq, at, actor, action, change_id, pivot_id, channel, details, prev_hash, hash
         FROM audit_log WHERE seq > $1::bigint ORDER BY audit_log.seq LIMIT ${PAGE}`,
      [after],
    );
    for (const row of page.rows) {
      const seq = Number(row.seq);
      entries++;
      if (seq > expected) {
        const range = seq - 1 === expected ? `${expected}` : `${expected} to ${seq - 1}`;
        problems.push({ kind: 'missing', seq: expected, message: `entry ${range} missing: deleted from the log` });
      }
      if (chainHash(row.prev_hash, entryOfRow(row)) !== row.hash) {
        problems.push({ kind: 'altered', seq, message: `entry ${seq} (${row.action}) altered: its content does not match its hash` });
      } else if (row.prev_hash !== prevHash && seq === expected) {
        problems.push({
          kind: 'out-of-order',
          seq,
          message: `entry ${seq} (${row.action}) does not follow entry ${seq - 1}: moved, or the entry before it replaced`,
        });
      }
      const checkpoint = checkpointAt.get(seq);
      if (checkpoint && checkpoint.hash !== row.hash) {
        problems.push({
          kind: 'rewritten',
          seq,
          message: `the checkpoint signed at entry ${seq} does not match the log: entries up to ${seq} were rewritten`,
        });
      }
      prevHash = row.hash;
      expected = seq + 1;
    }
    if (page.rows.length < PAGE) break;
    after = expected - 1;
  }
  const lastSeq = expected - 1;
  const last = checkpoints.at(-1);
  const headSeq = Number(counts.rows[0]?.head ?? 0);
  if (last && last.seq > lastSeq) {
    problems.push({
      kind: 'truncated',
      seq: lastSeq + 1,
      message: `the log ends at entry ${lastSeq} but a checkpoint signed entry ${last.seq}: its tail was deleted`,
    });
  } else if (headSeq > lastSeq) {
    problems.push({
      kind: 'truncated',
      seq: lastSeq + 1,
      message: `the log ends at entry ${lastSeq} but its head says ${headSeq}: its tail was deleted`,
    });
  }
  problems.sort((a, b) => a.seq - b.seq);
  return {
    entries,
    unchained: counts.rows[0]?.unchained ?? 0,
    pending: counts.rows[0]?.pending ?? 0,
    lastSeq,
    lastCheckpoint: last && { seq: last.seq, signedAt: last.signedAt, kid: last.kid },
    uncovered: Math.max(0, lastSeq - (last?.seq ?? 0)),
    problems,
  };
}
