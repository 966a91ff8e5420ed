/**
 * Erasing a citizen (docs/privacy.md, "Encryption and erasure"): their data keys are destroyed and
 * the fact is audited, in one transaction. What was sealed with those keys — `changes.data`, every
 * event and delivery still on Kafka, any backup — no longer opens; readers get the clear part
 * (fields labelled `none`) and `"relaisErased": true`, consumers skip and count it. A merged
 * citizen is erased under every pivot id it was recorded under (the caller passes them all).
 */
import { appendAudit } from '../core/audit/append.ts';
import type { Db } from '../core/store/db.ts';
import type { CitizenKeys } from './citizen-keys.ts';

export interface Erasure {
  pivotId: string;
  /** Data keys destroyed now (0 when the citizen had none, or was erased before). */
  keysDestroyed: number;
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
    const erasedAt = new Date().toISOString();
    await appendAudit(tx, {
      actor: request.actor,
      action: 'citizen.erased',
      pivotId: request.pivotId,
      details: { ...request.details, keysDestroyed, pivotIds: request.pivotIds },
    });
    return { pivotId: request.pivotId, keysDestroyed, erasedAt };
  });
}
