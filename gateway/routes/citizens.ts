/**
 * GET /v1/citizens/{pivotId}/timeline (scope citizens:read): every change, service request and
 * logged contact (channel and subject, not the note) of a citizen, newest first. The whole cross-system timeline is for agents only: a role with
 * `read: timelines` and a purpose on every request (the `Relais-Purpose` header, recorded in the
 * audit log with the read), or the citizen themself (`own-timeline`, their own pivot id).
 */
import { Router, type Request } from 'express';
import { isUuid } from '../../core/ids.ts';
import type { Caller } from '../auth.ts';
import { requireScope } from '../auth.ts';
import { timeline } from '../changes/view.ts';
import { currentPivot, pivotsOf } from '../../identity/crosswalk.ts';
import type { GatewayDeps } from '../deps.ts';
import type { components } from '../generated/api.ts';
import { HttpProblem } from '../problems.ts';
import { readDecision } from '../rights/decide.ts';
import { authorizeRead, recordRead } from '../rights/enforce.ts';
import { serviceRequestTimeline } from '../service-requests-store.ts';
import { interactionTimeline } from '../interactions-store.ts';

const OPERATION = 'GET /v1/citizens/{pivotId}/timeline';
type TimelineEntry = components['schemas']['TimelineEntry'];

/** The purpose an agent states for reading a timeline (or disclosures): printable, 3 to 200 characters. */
export function purposeOf(req: Request, what = 'a timeline'): string {
  const purpose = req.get('relais-purpose')?.trim() ?? '';
  if (!/^[\p{L}\p{N}\p{P}\p{Zs}]{3,200}$/u.test(purpose))
    throw new HttpProblem('invalid-parameter', `reading ${what} needs a purpose (header Relais-Purpose, 3 to 200 characters)`, [
      { field: '/Relais-Purpose', message: 'required' },
    ]);
  return purpose;
}

/** The grant and purpose that allow this caller to read this citizen's timeline (or a recorded 403). */
async function allowTimeline(deps: Pick<GatewayDeps, 'db' | 'rights'>, caller: Caller, req: Request, pivotId: string) {
  const own = readDecision(deps.rights, caller, 'own-timeline');
  if (!('rule' in own) && caller.pivotId === pivotId) return { grant: own.label, purpose: undefined };
  const grant = await authorizeRead(deps, caller, 'timelines', { operation: OPERATION, pivotId });
  return { grant, purpose: purposeOf(req) };
}

export function citizensRoutes(deps: Pick<GatewayDeps, 'auth' | 'db' | 'rights'>): Router {
  const router = Router();
  router.get('/v1/citizens/:pivotId/timeline', requireScope(deps.auth, 'citizens:read'), async (req, res) => {
    const raw = String(req.params['pivotId'] ?? '');
    if (!isUuid(raw))
      throw new HttpProblem('invalid-parameter', 'the pivot id is a UUID', [{ field: '/pivotId', message: 'must be a UUID' }]);
    const pivotId = raw.toLowerCase();
    const allowed = await allowTimeline(deps, req.caller!, req, pivotId);
    // A merged citizen's history is read with the one it was merged into: every pivot id it was recorded under.
    const current = await currentPivot(deps.db, pivotId);
    if (!current) throw new HttpProblem('not-found', 'no such citizen');
    const pivots = await pivotsOf(deps.db, current);
    const entries: TimelineEntry[] = [];
    for (const pivot of pivots)
      entries.push(
        ...((await timeline(deps.db, pivot)) ?? []),
        ...(await serviceRequestTimeline(deps.db, pivot)),
        ...(await interactionTimeline(deps.db, pivot)),
      );
    await recordRead(deps, req.caller!, { operation: OPERATION, pivotId, ...allowed });
    res.json({
      pivotId: current,
      ...(pivots.length > 1 ? { merged: pivots.slice(1) } : {}),
      entries: entries.sort((a, b) => b.at.localeCompare(a.at)),
    });
  });
  return router;
}
