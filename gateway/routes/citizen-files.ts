/**
 * Finding a citizen and the systems that hold a file on them, for an agent at a desk:
 *   GET /v1/citizens?pivotId=… | ?system=…&identifier=…  scope citizens:read, rights `read: timelines`
 *   GET /v1/citizens?birthName=…&givenNames=…&dateOfBirth=…[&placeOfBirth=…]  the same (citizen-civil-search.ts)
 *   GET /v1/citizens/{pivotId}                          scope citizens:read, rights `read: timelines`
 * Both are reads of personal data, recorded in the audit log before they are served (the
 * identifier searched for is not recorded: it may itself be personal data).
 */
import { Router } from 'express';
import { isSystemName, isUuid } from '../../core/ids.ts';
import type { Queryable } from '../../core/store/db.ts';
import { currentPivot, pivotsOf } from '../../identity/crosswalk.ts';
import { requireScope } from '../auth.ts';
import type { GatewayDeps } from '../deps.ts';
import type { components } from '../generated/api.ts';
import { HttpProblem } from '../problems.ts';
import { authorizeRead, recordRead } from '../rights/enforce.ts';
import { citizenOf, pivotParameter } from './citizen-path.ts';
import { civilQuery, searchByCivilData, type FoundCitizen } from '../citizen-civil-search.ts';

type Citizen = components['schemas']['Citizen'];
type CitizenFile = Citizen['files'][number];

/** The pivot ids a search finds (at most one), or a 400 naming the parameter. */
async function search(db: Queryable, query: Record<string, unknown>): Promise<string[]> {
  const { pivotId, system, identifier } = query;
  if (typeof pivotId === 'string') {
    if (!isUuid(pivotId))
      throw new HttpProblem('invalid-parameter', 'the pivot id is a UUID', [{ field: '/pivotId', message: 'must be a UUID' }]);
    const current = await currentPivot(db, pivotId.toLowerCase());
    return current ? [current] : [];
  }
  if (typeof system !== 'string' || !isSystemName(system) || typeof identifier !== 'string' || !/^.{1,100}$/u.test(identifier))
    throw new HttpProblem('invalid-parameter', 'give pivotId, or system and identifier', [
      { field: typeof system === 'string' && isSystemName(system) ? '/identifier' : '/system', message: 'required' },
    ]);
  const found = await db.query<{ pivot_id: string }>('SELECT pivot_id FROM citizen_identifiers WHERE system = $1 AND local_id = $2', [
    system,
    identifier,
  ]);
  const pivot = found.rows[0]?.pivot_id;
  const current = pivot ? await currentPivot(db, pivot) : undefined;
  return current ? [current] : [];
}

/** Each system's file on the citizen (under any of its pivot ids), with the last change it applied. */
async function filesOf(db: Queryable, pivots: string[]): Promise<CitizenFile[]> {
  const files = await db.query<{ system: string; local_id: string }>(
    'SELECT system, local_id FROM citizen_identifiers WHERE pivot_id = ANY($1::uuid[]) ORDER BY system, local_id',
    [pivots],
  );
  const applied = await db.query<{ system: string; change_id: string; type: string; status_at: Date }>(
    `SELECT DISTINCT ON (r.system) r.system, r.change_id, c.type, r.status_at
     FROM change_recipients r JOIN changes c ON c.id = r.change_id
     WHERE c.pivot_id = ANY($1::uuid[]) AND r.status = 'applied' ORDER BY r.system, r.status_at DESC`,
    [pivots],
  );
  const last = new Map(
    applied.rows.map((r) => [r.system, { changeId: r.change_id, type: r.type, at: new Date(r.status_at).toISOString() }]),
  );
  const seen = new Set<string>();
  return files.rows.flatMap((f) => {
    if (seen.has(f.system)) return [];
    seen.add(f.system);
    const lastApplied = last.get(f.system);
    return [{ system: f.system, identifier: f.local_id, ...(lastApplied ? { lastApplied } : {}) }];
  });
}

export function citizenFilesRoutes(
  deps: Pick<GatewayDeps, 'auth' | 'db' | 'rights' | 'identityResolver' | 'identityTimeoutMs' | 'identityThresholds' | 'logger'>,
): Router {
  const router = Router();
  router.get('/v1/citizens', requireScope(deps.auth, 'citizens:read'), async (req, res) => {
    const operation = 'GET /v1/citizens';
    const grant = await authorizeRead(deps, req.caller!, 'timelines', { operation });
    const civil = civilQuery(req.query);
    const found: FoundCitizen[] = civil
      ? await searchByCivilData(deps, civil, req.query['placeOfBirth'] !== undefined)
      : (await search(deps.db, req.query)).map((pivotId) => ({ pivotId }));
    await recordRead(deps, req.caller!, { operation, pivotId: found[0]?.pivotId, grant, count: found.length });
    res.json({ citizens: found });
  });

  router.get('/v1/citizens/:pivotId', requireScope(deps.auth, 'citizens:read'), async (req, res) => {
    const operation = 'GET /v1/citizens/{pivotId}';
    const pivotId = pivotParameter(req);
    const grant = await authorizeRead(deps, req.caller!, 'timelines', { operation, pivotId });
    const citizen = await citizenOf(deps.db, pivotId);
    const pivots = await pivotsOf(deps.db, citizen);
    const files = await filesOf(deps.db, pivots);
    await recordRead(deps, req.caller!, { operation, pivotId: citizen, grant });
    const view: Citizen = { pivotId: citizen, ...(pivots.length > 1 ? { merged: pivots.slice(1) } : {}), files };
    res.json(view);
  });
  return router;
}
