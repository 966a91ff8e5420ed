/**
 * POST /v1/citizens/{pivotId}/erasure (scope citizens:write, rights `declare: erasure` — the `dpo`
 * role): erases a citizen by destroying their data keys (privacy/erasure.ts; docs/privacy.md,
 * "Encryption and erasure"). Every copy of their personal data sealed with those keys — the
 * store's, every event and delivery still on Kafka — stops opening; the erasure is audited
 * (`citizen.erased`, with the grant and the number of keys destroyed) in the same transaction.
 * A merged pivot id stands for the citizen it was merged into, erased under every pivot id they
 * were recorded under. Erasing twice is allowed and destroys nothing more (keysDestroyed 0).
 */
import { Router } from 'express';
import { isUuid } from '../../core/ids.ts';
import { currentPivot, pivotsOf } from '../../identity/crosswalk.ts';
import { eraseCitizen } from '../../privacy/erasure.ts';
import { requireScope } from '../auth.ts';
import type { GatewayDeps } from '../deps.ts';
import type { components } from '../generated/api.ts';
import { HttpProblem } from '../problems.ts';
import { authorizeDeclare } from '../rights/enforce.ts';

type Erasure = components['schemas']['Erasure'];

const OPERATION = 'POST /v1/citizens/{pivotId}/erasure';

export function erasureRoutes(deps: Pick<GatewayDeps, 'auth' | 'db' | 'rights' | 'citizenKeys'>): Router {
  const router = Router();
  router.post('/v1/citizens/:pivotId/erasure', requireScope(deps.auth, 'citizens:write'), async (req, res) => {
    const raw = String(req.params['pivotId'] ?? '');
    if (!isUuid(raw))
      throw new HttpProblem('invalid-parameter', 'the pivot id is a UUID', [{ field: '/pivotId', message: 'must be a UUID' }]);
    const pivotId = raw.toLowerCase();
    const grant = await authorizeDeclare(deps, req.caller!, 'erasure', { operation: OPERATION, pivotId });
    if (!deps.citizenKeys)
      throw new HttpProblem('erasure-unavailable', 'personal data is not sealed in this deployment: there is no key to destroy', [
        { field: '/pivotId', message: 'RELAIS_MASTER_KEY_FILE is not set' },
      ]);
    const current = await currentPivot(deps.db, pivotId);
    if (!current) throw new HttpProblem('not-found', 'no such citizen', [{ field: '/pivotId', message: 'unknown pivot id' }]);
    const pivotIds = await pivotsOf(deps.db, current);
    const erased = await eraseCitizen(deps.db, deps.citizenKeys, {
      pivotId: current,
      pivotIds,
      actor: req.caller!.name,
      details: { operation: OPERATION, grant },
    });
    const body: Erasure = { ...erased, pivotIds };
    res.json(body);
  });
  return router;
}
