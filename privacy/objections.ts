/**
 * Objections (docs/privacy.md): a citizen objects to one recipient system, where a flow's legal
 * basis allows it (`basis.objection: allowed`, core/flows/flow.schema.json). The router asks
 * `objectedSystems` once per batch and sends nothing to an objected recipient on such a route;
 * it reports `objected` instead (settled, never a failure). The gateway's routes record,
 * list and withdraw objections, each audited.
 */
import type { Flows, Route } from '../core/flows/flows.ts';
import type { Queryable } from '../core/store/db.ts';

/** The routes to `system` whose legal basis allows an objection. */
export function objectableRoutes(flows: Flows, system: string): Route[] {
  return flows.routes.filter((route) => route.basis.objection === 'allowed' && route.to.some((target) => target.system === system));
}

/** Whether the route `routeId` allows the citizen to object to its recipients. */
export function routeAllowsObjection(flows: Flows, routeId: string): boolean {
  return flows.routes.find((route) => route.id === routeId)?.basis.objection === 'allowed';
}

export interface Objection {
  system: string;
  declaredBy: string;
  declaredAt: string;
}

/** The objections in force for a batch's citizens, as `${pivotId} ${system}` keys: one query. */
export async function objectedSystems(db: Queryable, pivotIds: string[]): Promise<Set<string>> {
  if (pivotIds.length === 0) return new Set();
  const rows = await db.query<{ pivot_id: string; system: string }>(
    'SELECT pivot_id, system FROM objections WHERE pivot_id = ANY($1::uuid[])',
    [[...new Set(pivotIds)]],
  );
  return new Set(rows.rows.map((row) => `${row.pivot_id} ${row.system}`));
}

/** Records an objection; true when it is new (objecting twice changes nothing). */
export async function recordObjection(db: Queryable, pivotId: string, system: string, by: string): Promise<boolean> {
  const result = await db.query(
    'INSERT INTO objections (pivot_id, system, declared_by) VALUES ($1, $2, $3) ON CONFLICT (pivot_id, system) DO NOTHING',
    [pivotId, system, by],
  );
  return result.rowCount > 0;
}

/** Withdraws an objection; true when there was one. */
export async function withdrawObjection(db: Queryable, pivotId: string, system: string): Promise<boolean> {
  const result = await db.query('DELETE FROM objections WHERE pivot_id = $1 AND system = $2', [pivotId, system]);
  return result.rowCount > 0;
}

/** The citizen's objections in force, by system. */
export async function objectionsOf(db: Queryable, pivotId: string): Promise<Objection[]> {
  const rows = await db.query<{ system: string; declared_by: string; declared_at: Date }>(
    'SELECT system, declared_by, declared_at FROM objections WHERE pivot_id = $1 ORDER BY system',
    [pivotId],
  );
  return rows.rows.map((row) => ({ system: row.system, declaredBy: row.declared_by, declaredAt: new Date(row.declared_at).toISOString() }));
}
