/**
 * Erasing a citizen (docs/privacy.md, "Encryption and erasure"): their data keys are destroyed and
 * the fact is audited, in one transaction. What was sealed with those keys — `changes.data`, every
 * event and delivery still on Kafka, any backup — no longer opens; readers get the clear part
 * (fields labelled `none`) and `"relaisErased": true`, consumers skip and count it. A merged
 * citizen is erased under every pivot id it was recorded under (the caller passes them all).
 */
import { appendAudit } from '../core/audit/append.ts';
import type { Db, Queryable } from '../core/store/db.ts';
import type { CitizenKeys } from './citizen-keys.ts';

export interface Erasure {
  pivotId: string;
  /** Data keys destroyed now (0 when the citizen had none, or was erased before). */
  keysDestroyed: number;
  /** Free texts about the citizen emptied now: agents' notes on contacts and requests, services' comments. */
  notesErased: number;
  erasedAt: string;
}

export async function eraseCitizen(
  db: Db,
  keys: CitizenKeys,
  request: { pivotId: string; pivotIds: string[]; actor: string; details?: Record<string, unknown> },
): Promise<Erasure> {
  return db.transaction(async (tx) => {
    let keysDestroyed = 0;
    for (const pivotId of request.pivotIds) keysDestroyed += await keys.erase(tx, pivotId);
    const notesErased = await eraseNotes(tx, request.pivotIds);
    const erasedAt = new Date().toISOString();
    await appendAudit(tx, {
      actor: request.actor,
      action: 'citizen.erased',
      pivotId: request.pivotId,
      details: { ...request.details, keysDestroyed, notesErased, pivotIds: request.pivotIds },
    });
    return { pivotId: request.pivotId, keysDestroyed, notesErased, erasedAt };
  });
}

/**
 * What agents and services wrote about the citizen in their own words is not sealed (it is typed
 * at a desk, not told by the citizen): erasure empties it. A contact keeps its channel and time
 * (the KPIs count them), its subject becomes ERASED_TEXT; a request keeps its statuses.
 */
async function eraseNotes(tx: Queryable, pivotIds: string[]): Promise<number> {
  const contacts = await tx.query(
    `UPDATE interactions SET subject = $2, note = NULL WHERE pivot_id = ANY($1::uuid[]) AND (subject <> $2 OR note IS NOT NULL)`,
    [pivotIds, ERASED_TEXT],
  );
  const requests = 'SELECT id FROM service_requests WHERE pivot_id = ANY($1::uuid[])';
  const comments = await tx.query(
    `UPDATE service_request_history SET comment = NULL WHERE comment IS NOT NULL AND request_id IN (${requests})`,
    [pivotIds],
  );
  const notes = await tx.query(`UPDATE service_request_actions SET note = NULL WHERE note IS NOT NULL AND request_id IN (${requests})`, [
    pivotIds,
  ]);
  return contacts.rowCount + comments.rowCount + notes.rowCount;
}

/** The subject an erased contact keeps (the column is required). */
export const ERASED_TEXT = '[erased]';
