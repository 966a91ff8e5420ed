/**
 * The identity map: Relais' pseudonymous pivot id per citizen, and each system's own
 * identifier of that citizen (the crosswalk). The gateway resolves who a change is about;
 * the router finds the identifier each recipient knows the citizen by.
 */
import { newPivotId, type PivotId } from '../ids.ts';
import type { Queryable } from '../store/db.ts';

/** How a caller names the citizen: by pivot id, or by an identifier one system knows. */
export type CitizenReference = { pivotId: string } | { system: string; id: string };

export async function pivotExists(db: Queryable, pivotId: string): Promise<boolean> {
  const result = await db.query('SELECT 1 FROM citizens WHERE pivot_id = $1', [pivotId]);
  return result.rows.length > 0;
}

/**
 * The pivot id a reference designates. A system identifier seen for the first time gets a new
 * pivot id (the citizen becomes known to Relais through the system that knows them); an
 * unknown pivot id resolves to undefined. Call inside the change's transaction.
 */
export async function resolveCitizen(db: Queryable, reference: CitizenReference): Promise<PivotId | undefined> {
  if ('pivotId' in reference) {
    return (await pivotExists(db, reference.pivotId.toLowerCase())) ? (reference.pivotId.toLowerCase() as PivotId) : undefined;
  }
  const known = await db.query<{ pivot_id: string }>('SELECT pivot_id FROM citizen_identifiers WHERE system = $1 AND local_id = $2', [
    reference.system,
    reference.id,
  ]);
  if (known.rows[0]) return known.rows[0].pivot_id as PivotId;
  const pivotId = newPivotId();
  await db.query('INSERT INTO citizens (pivot_id) VALUES ($1)', [pivotId]);
  // A concurrent first sighting may have linked the identifier meanwhile: keep theirs.
  const linked = await db.query<{ pivot_id: string }>(
    `INSERT INTO citizen_identifiers (system, local_id, pivot_id) VALUES ($1, $2, $3)
     ON CONFLICT (system, local_id) DO UPDATE SET system = EXCLUDED.system
     RETURNING pivot_id`,
    [reference.system, reference.id, pivotId],
  );
  return (linked.rows[0]?.pivot_id ?? pivotId) as PivotId;
}

/** Records that `system` knows the citizen as `localId` (idempotent). */
export async function linkIdentifier(db: Queryable, pivotId: string, system: string, localId: string): Promise<void> {
  await db.query('INSERT INTO citizens (pivot_id) VALUES ($1) ON CONFLICT DO NOTHING', [pivotId]);
  await db.query(
    `INSERT INTO citizen_identifiers (system, local_id, pivot_id) VALUES ($1, $2, $3)
     ON CONFLICT (system, local_id) DO NOTHING`,
    [system, localId, pivotId],
  );
}

/** The identifiers recipients know citizens by, for a batch: key `${pivotId} ${system}`. */
export async function identifiersFor(db: Queryable, pivotIds: string[], systems: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (pivotIds.length === 0 || systems.length === 0) return found;
  const result = await db.query<{ pivot_id: string; system: string; local_id: string }>(
    'SELECT pivot_id, system, local_id FROM citizen_identifiers WHERE pivot_id = ANY($1::uuid[]) AND system = ANY($2::text[])',
    [[...new Set(pivotIds)], [...new Set(systems)]],
  );
  for (const row of result.rows) found.set(`${row.pivot_id} ${row.system}`, row.local_id);
  return found;
}
