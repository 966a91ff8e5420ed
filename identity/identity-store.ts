/**
 * The identity map: Relais' pseudonymous pivot id per citizen, and each system's own
 * identifier of that citizen (the crosswalk). The gateway resolves who a change is about;
 * the router finds the identifier each recipient knows the citizen by.
 */
import { newPivotId, type PivotId } from '../core/ids.ts';
import type { Queryable } from '../core/store/db.ts';

/** How a caller names the citizen: by pivot id, or by an identifier one system knows. */
export type CitizenReference = { pivotId: string } | { system: string; id: string };

/** How a crosswalk link was established (citizen_identifiers.link_method), and by whom. */
export type LinkMethod = 'first-sighting' | 'civil-data-exact' | 'identity-review' | 'declared' | 'import';
export interface LinkProvenance {
  method: LinkMethod;
  /** Who established it: a credential's or agent's name, a connector, an operator. */
  by?: string | undefined;
}

export async function pivotExists(db: Queryable, pivotId: string): Promise<boolean> {
  const result = await db.query('SELECT 1 FROM citizens WHERE pivot_id = $1', [pivotId]);
  return result.rows.length > 0;
}

/** Whether a system identifier the crosswalk does not know may get a new pivot id (a first sighting). */
export interface ResolveOptions {
  /**
   * false: an unknown identifier resolves to undefined and nothing is written (the gateway's
   * `422 citizen-unknown`). Only the system that issued the identifier, when its flow allows
   * first sightings, or the register's own answer, may create a citizen. Default true.
   */
  firstSighting?: boolean | undefined;
}

/**
 * The pivot id a reference designates. A system identifier seen for the first time gets a new
 * pivot id when `options.firstSighting` allows it (the citizen becomes known to Relais through
 * the system that knows them), else resolves to undefined; an unknown pivot id resolves to
 * undefined. Call inside the change's transaction.
 */
export async function resolveCitizen(
  db: Queryable,
  reference: CitizenReference,
  provenance: LinkProvenance = { method: 'first-sighting' },
  options: ResolveOptions = {},
): Promise<PivotId | undefined> {
  if ('pivotId' in reference) {
    return (await pivotExists(db, reference.pivotId.toLowerCase())) ? (reference.pivotId.toLowerCase() as PivotId) : undefined;
  }
  const known = await db.query<{ pivot_id: string }>('SELECT pivot_id FROM citizen_identifiers WHERE system = $1 AND local_id = $2', [
    reference.system,
    reference.id,
  ]);
  if (known.rows[0]) return known.rows[0].pivot_id as PivotId;
  if (options.firstSighting === false) return undefined;
  const pivotId = newPivotId();
  await db.query('INSERT INTO citizens (pivot_id) VALUES ($1)', [pivotId]);
  // A concurrent first sighting may have linked the identifier meanwhile: keep theirs.
  const linked = await db.query<{ pivot_id: string }>(
    `INSERT INTO citizen_identifiers (system, local_id, pivot_id, link_method, linked_by) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (system, local_id) DO UPDATE SET system = EXCLUDED.system
     RETURNING pivot_id`,
    [reference.system, reference.id, pivotId, provenance.method, provenance.by ?? null],
  );
  return (linked.rows[0]?.pivot_id ?? pivotId) as PivotId;
}

/**
 * Resolves who a change is about (as resolveCitizen) and locks that citizen's row until the
 * commit, so one citizen's changes are recorded one after the other, and numbers the change
 * (lockForChange). A pivot id (the usual case) is checked, locked and numbered in one round
 * trip; undefined when no such citizen exists.
 */
export async function lockCitizen(
  db: Queryable,
  reference: CitizenReference,
  provenance: LinkProvenance,
  options: ResolveOptions = {},
): Promise<{ pivotId: PivotId; seq: number } | undefined> {
  const pivotId =
    'pivotId' in reference ? (reference.pivotId.toLowerCase() as PivotId) : await resolveCitizen(db, reference, provenance, options);
  if (!pivotId) return undefined;
  return lockForChange(db, pivotId);
}

/**
 * Locks the citizen's row until the transaction ends and takes the next number of their change
 * sequence (ce_relaisseq, docs/contracts.md): the lock makes a second change of the same citizen
 * wait for the first to commit, so the numbers follow the order changes were accepted in.
 */
export async function lockForChange(db: Queryable, pivotId: PivotId): Promise<{ pivotId: PivotId; seq: number } | undefined> {
  const locked = await db.query<{ change_seq: string; merged_into: string | null }>(
    'UPDATE citizens SET change_seq = change_seq + 1 WHERE pivot_id = $1 RETURNING change_seq, merged_into',
    [pivotId],
  );
  const row = locked.rows[0];
  // A merged citizen's changes are the citizen's it was merged into (identity/crosswalk.ts).
  if (row?.merged_into) return lockForChange(db, row.merged_into as PivotId);
  return row ? { pivotId, seq: Number(row.change_seq) } : undefined;
}

/**
 * The identifier the citizen gave for `system` replaces the one held for them there (an email
 * address for notifications); when another citizen already holds the same identifier (a shared
 * mailbox), the crosswalk keeps it theirs and this citizen has none in that system (docs/adr/0007).
 */
export async function replaceIdentifier(db: Queryable, pivotId: string, system: string, localId: string): Promise<void> {
  await db.query('DELETE FROM citizen_identifiers WHERE system = $1 AND pivot_id = $2 AND local_id <> $3', [system, pivotId, localId]);
  await db.query('INSERT INTO citizen_identifiers (system, local_id, pivot_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
    system,
    localId,
    pivotId,
  ]);
}

/** Records that `system` knows the citizen as `localId`, and how that is known (idempotent). */
export async function linkIdentifier(
  db: Queryable,
  pivotId: string,
  system: string,
  localId: string,
  provenance: LinkProvenance = { method: 'declared' },
): Promise<void> {
  await db.query('INSERT INTO citizens (pivot_id) VALUES ($1) ON CONFLICT DO NOTHING', [pivotId]);
  await db.query(
    `INSERT INTO citizen_identifiers (system, local_id, pivot_id, link_method, linked_by) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (system, local_id) DO NOTHING`,
    [system, localId, pivotId, provenance.method, provenance.by ?? null],
  );
}

export interface IdentifierLink {
  system: string;
  localId: string;
  method: LinkMethod;
  linkedBy?: string | undefined;
  linkedAt: string;
}

/** Every identifier systems know the citizen by, with how each link was established. */
export async function linksOf(db: Queryable, pivotId: string): Promise<IdentifierLink[]> {
  const result = await db.query<{ system: string; local_id: string; link_method: LinkMethod; linked_by: string | null; created_at: Date }>(
    'SELECT system, local_id, link_method, linked_by, created_at FROM citizen_identifiers WHERE pivot_id = $1 ORDER BY created_at, system',
    [pivotId],
  );
  return result.rows.map((r) => ({
    system: r.system,
    localId: r.local_id,
    method: r.link_method,
    ...(r.linked_by ? { linkedBy: r.linked_by } : {}),
    linkedAt: new Date(r.created_at).toISOString(),
  }));
}

/** The identifiers recipients know citizens by, for a batch: key `${pivotId} ${system}`. */
export async function identifiersFor(db: Queryable, pivotIds: string[], systems: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (pivotIds.length === 0 || systems.length === 0) return found;
  // An event recorded under a pivot id since merged reaches the identifiers of the citizen it was merged into.
  const result = await db.query<{ pivot_id: string; system: string; local_id: string }>(
    `SELECT c.pivot_id, i.system, i.local_id FROM citizens c
       JOIN citizen_identifiers i ON i.pivot_id = COALESCE(c.merged_into, c.pivot_id)
      WHERE c.pivot_id = ANY($1::uuid[]) AND i.system = ANY($2::text[])`,
    [[...new Set(pivotIds)], [...new Set(systems)]],
  );
  for (const row of result.rows) found.set(`${row.pivot_id} ${row.system}`, row.local_id);
  return found;
}

/** The systems that hold a file on the citizen: those the crosswalk knows an identifier of them in. */
export async function holdingSystems(db: Queryable, pivotId: string): Promise<Set<string>> {
  return (await holdingSystemsOf(db, [pivotId])).get(pivotId) ?? new Set();
}

/** holdingSystems for many citizens in one round trip (a group commit): every pivot id asked is in the map. */
export async function holdingSystemsOf(db: Queryable, pivotIds: string[]): Promise<Map<string, Set<string>>> {
  const holders = new Map(pivotIds.map((pivotId) => [pivotId, new Set<string>()]));
  const result = await db.query<{ pivot_id: string; system: string }>(
    'SELECT DISTINCT pivot_id::text AS pivot_id, system FROM citizen_identifiers WHERE pivot_id = ANY($1::uuid[])',
    [pivotIds],
  );
  for (const row of result.rows) holders.get(row.pivot_id)?.add(row.system);
  return holders;
}
