/**
 * The citizen's life state, read from what Relais recorded: once a death is registered for a
 * citizen (a `fr.relais.citizen.death.registered.v1` change recorded for them — told at a desk
 * and confirmed by the register, or published by the register's own source), later changes are
 * refused at the gateway (`409 citizen-deceased`) except corrections from the register, and no
 * connector writes to the deceased's own address (the router marks their deliveries; the email
 * connector sends nothing). A death held for an identity review names no one yet: not counted.
 */
import { DEATH_REGISTERED_V1 } from '../schemas/index.ts';
import type { Queryable } from '../core/store/db.ts';

/** The registered date of death of each of these citizens who has one (YYYY-MM-DD), by pivot id. */
export async function deathsOf(db: Queryable, pivotIds: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (pivotIds.length === 0) return found;
  const result = await db.query<{ pivot_id: string; date_of_death: string }>(
    `SELECT DISTINCT ON (pivot_id) pivot_id, data->>'dateOfDeath' AS date_of_death FROM changes
      WHERE pivot_id = ANY($1::uuid[]) AND type = $2 AND review IS DISTINCT FROM 'rejected'
      ORDER BY pivot_id, accepted_at`,
    [[...new Set(pivotIds)], DEATH_REGISTERED_V1],
  );
  for (const row of result.rows) found.set(row.pivot_id, row.date_of_death);
  return found;
}

/** The citizen's registered date of death, or undefined while none is registered. */
export async function deathOf(db: Queryable, pivotId: string): Promise<string | undefined> {
  return (await deathsOf(db, [pivotId])).get(pivotId);
}
