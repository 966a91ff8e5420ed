/**
 * Reviewing the records a population import held (homonyms, a person below the link score, a
 * citizen already known in the system under another identifier): an agent lists those still
 * undecided and decides each once — one of its candidates, linked exactly as the import links an
 * exact match (linkToRegisterPerson) but with method `identity-review` and the agent, then the
 * changes the person's systems could not receive are re-driven (as after a change's review) — or
 * none (rejected: the record stays unlinked). Each decision is one transaction with its audit
 * entry. Only identifiers, register ids and scores are read or written: no civil data.
 */
import { appendAudit } from '../core/audit/append.ts';
import type { Db, Queryable } from '../core/store/db.ts';
import { isRefusal, redriveUnknown, type RedriveResult } from './crosswalk.ts';
import { linkToRegisterPerson } from './population-import.ts';

export interface HeldRecord {
  importId: string;
  line: number;
  system: string;
  localId: string;
  reason: string | null;
  candidates: { registerId: string; score: number }[];
}

export interface HeldPage {
  records: HeldRecord[];
  /** Where the next page starts (give it back as `after`); absent on the last page. */
  next?: string;
}

/** A page's position: the last record's import and line, opaque to the caller. */
function encodeCursor(record: HeldRecord): string {
  return Buffer.from(JSON.stringify([record.importId, record.line])).toString('base64url');
}

export function decodeCursor(cursor: string): { importId: string; line: number } | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'string' && Number.isInteger(value[1]))
      return { importId: value[0], line: value[1] as number };
  } catch {
    // Not ours: answered as undefined, the caller names the parameter.
  }
  return undefined;
}

interface HeldRow {
  import_id: string;
  line: number;
  system: string;
  local_id: string;
  reason: string | null;
  candidates: { registerId: string; score: number }[] | null;
}

/** Held records not yet decided, of a system (one of its imports if given), by import then line. */
export async function listHeld(
  db: Queryable,
  query: { system: string; importId?: string | undefined; after?: { importId: string; line: number } | undefined; limit: number },
): Promise<HeldPage> {
  const rows = await db.query<HeldRow>(
    `SELECT r.import_id, r.line, i.system, r.local_id, r.reason, r.candidates
       FROM identity_import_records r JOIN identity_imports i ON i.id = r.import_id
      WHERE i.system = $1 AND r.outcome = 'held' AND r.decided_at IS NULL
        AND ($2::text IS NULL OR r.import_id = $2)
        AND ($3::text IS NULL OR (r.import_id, r.line) > ($3, $4::int))
      ORDER BY r.import_id, r.line
      LIMIT $5`,
    [query.system, query.importId ?? null, query.after?.importId ?? null, query.after?.line ?? null, query.limit + 1],
  );
  const records = rows.rows.slice(0, query.limit).map(heldRecord);
  const last = records.at(-1);
  return rows.rows.length > query.limit && last ? { records, next: encodeCursor(last) } : { records };
}

export type HeldDecision = { registerId: string; redrive?: boolean | undefined } | { decision: 'reject'; reason?: string | undefined };

export type HeldOutcome =
  | { outcome: 'linked'; pivotId: string; record: HeldRecord; redriven: RedriveResult['redriven'] }
  | { outcome: 'rejected'; record: HeldRecord }
  | { outcome: 'not-found' }
  | { outcome: 'already-decided'; decision: string }
  | { outcome: 'not-a-candidate' }
  /** The identifier is linked already, or the person holds another identifier in the system. */
  | { outcome: 'conflict' }
  | { outcome: 'register-unknown' };

function heldRecord(row: HeldRow): HeldRecord {
  return {
    importId: row.import_id,
    line: row.line,
    system: row.system,
    localId: row.local_id,
    reason: row.reason,
    candidates: row.candidates ?? [],
  };
}

interface RecordRow extends HeldRow {
  outcome: string;
  decision: string | null;
  register_system: string | null;
}

export async function decideHeld(
  db: Db,
  input: {
    importId: string;
    line: number;
    decision: HeldDecision;
    /** The deciding agent (the link's linked_by, the audit entry's actor). */
    agent: string;
    /** The register, for an import recorded before its register was kept with it. */
    registerSystem?: string | undefined;
  },
): Promise<HeldOutcome> {
  return db.transaction(async (tx): Promise<HeldOutcome> => {
    const found = await tx.query<RecordRow>(
      `SELECT r.import_id, r.line, i.system, r.local_id, r.reason, r.candidates, r.outcome, r.decision, i.register_system
         FROM identity_import_records r JOIN identity_imports i ON i.id = r.import_id
        WHERE r.import_id = $1 AND r.line = $2 FOR UPDATE OF r`,
      [input.importId, input.line],
    );
    const row = found.rows[0];
    if (!row || row.outcome !== 'held') return { outcome: 'not-found' };
    if (row.decision) return { outcome: 'already-decided', decision: row.decision };
    const record = heldRecord(row);
    const where = { import: record.importId, line: record.line, system: record.system };
    const { decision } = input;
    if ('registerId' in decision) {
      const candidate = record.candidates.find((c) => c.registerId === decision.registerId);
      if (!candidate) return { outcome: 'not-a-candidate' };
      const registerSystem = row.register_system ?? input.registerSystem;
      if (!registerSystem) return { outcome: 'register-unknown' };
      const pivotId = await linkToRegisterPerson(tx, {
        registerSystem,
        registerId: candidate.registerId,
        system: record.system,
        localId: record.localId,
        provenance: { method: 'identity-review', by: input.agent },
      });
      if (!pivotId) return { outcome: 'conflict' };
      await markDecided(tx, record, 'linked', input.agent, candidate.registerId);
      await appendAudit(tx, {
        actor: input.agent,
        action: 'identity.import.linked',
        pivotId,
        details: { ...where, register: registerSystem, score: candidate.score },
      });
      // A link from a review re-drives what the person's systems could not receive (docs/identities.md).
      let redriven: RedriveResult['redriven'] = [];
      if (decision.redrive !== false) {
        const again = await redriveUnknown(tx, { pivotId }, { actor: input.agent, reason: 'after import review' });
        if (!isRefusal(again)) redriven = again.redriven;
      }
      return { outcome: 'linked', pivotId, record, redriven };
    }
    await markDecided(tx, record, 'rejected', input.agent, null);
    await appendAudit(tx, {
      actor: input.agent,
      action: 'identity.import.rejected',
      details: { ...where, ...(decision.reason ? { reason: decision.reason } : {}) },
    });
    return { outcome: 'rejected', record };
  });
}

async function markDecided(tx: Queryable, record: HeldRecord, decision: string, agent: string, registerId: string | null): Promise<void> {
  await tx.query(
    `UPDATE identity_import_records SET decided_at = now(), decided_by = $3, decision = $4, decided_register_id = $5
      WHERE import_id = $1 AND line = $2`,
    [record.importId, record.line, agent, decision, registerId],
  );
}
