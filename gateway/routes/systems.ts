/** GET /v1/systems (scope systems:read, rights `read: systems`): each declared system, its subscriptions and how its connector is doing (systems.ts gathers). */
import { Router } from 'express';
import { requireScope } from '../auth.ts';
import type { GatewayDeps } from '../deps.ts';
import { authorizeRead } from '../rights/enforce.ts';
import { describeSystems } from '../systems.ts';

export function systemsRoutes(deps: Pick<GatewayDeps, 'auth' | 'db' | 'bus' | 'flows' | 'topics' | 'connectorGroup' | 'rights'>): Router {
  const router = Router();
  router.get('/v1/systems', requireScope(deps.auth, 'systems:read'), async (req, res) => {
    await authorizeRead(deps, req.caller!, 'systems', { operation: 'GET /v1/systems' });
    res.json(
      await describeSystems({
        db: deps.db,
        bus: deps.bus,
        flows: deps.flows(),
        topics: deps.topics,
        groupOf: deps.connectorGroup ?? ((system) => `relais-sink-${system}`),
      }),
    );
  });
  return router;
}
