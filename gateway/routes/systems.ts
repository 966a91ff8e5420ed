/** GET /v1/systems (scope systems:read): each declared system, its subscriptions and how its connector is doing (systems.ts gathers). */
import { Router } from 'express';
import { requireScope } from '../auth.ts';
import type { GatewayDeps } from '../deps.ts';
import { describeSystems } from '../systems.ts';

export function systemsRoutes(deps: Pick<GatewayDeps, 'auth' | 'db' | 'bus' | 'flows' | 'topics' | 'connectorGroup'>): Router {
  const router = Router();
  router.get('/v1/systems', requireScope(deps.auth, 'systems:read'), async (_req, res) => {
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
