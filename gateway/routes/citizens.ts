/** GET /v1/citizens/{pivotId}/timeline (scope citizens:read): every change and service request of a citizen, newest first. */
import { Router } from 'express';
import { isUuid } from '../../core/ids.ts';
import { requireScope } from '../auth.ts';
import { timeline } from '../changes/view.ts';
import type { GatewayDeps } from '../deps.ts';
import { HttpProblem } from '../problems.ts';
import { serviceRequestTimeline } from '../service-requests-store.ts';

export function citizensRoutes(deps: Pick<GatewayDeps, 'auth' | 'db'>): Router {
  const router = Router();
  router.get('/v1/citizens/:pivotId/timeline', requireScope(deps.auth, 'citizens:read'), async (req, res) => {
    const pivotId = String(req.params['pivotId'] ?? '');
    if (!isUuid(pivotId))
      throw new HttpProblem('invalid-parameter', 'the pivot id is a UUID', [{ field: '/pivotId', message: 'must be a UUID' }]);
    const entries = await timeline(deps.db, pivotId.toLowerCase());
    if (!entries) throw new HttpProblem('not-found', 'no such citizen');
    const requests = await serviceRequestTimeline(deps.db, pivotId.toLowerCase());
    res.json({ pivotId: pivotId.toLowerCase(), entries: [...entries, ...requests].sort((a, b) => b.at.localeCompare(a.at)) });
  });
  return router;
}
