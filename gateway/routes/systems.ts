/**
 * GET /v1/systems (scope systems:read, rights `read: systems`): each declared system, its
 * subscriptions and how its connector is doing (systems.ts gathers). POST …/pause and …/resume
 * (scope dead-letters:write, rights `read: systems` and `declare: connector-pause`, the
 * operator's; docs/adr/0040): an operator holds a system's deliveries, e.g. during its
 * maintenance (connector-pauses.ts); each is audited.
 */
import { Router, type Request, type RequestHandler } from 'express';
import { toIssues } from '../../schemas/validation.ts';
import { componentValidator } from '../api-document.ts';
import { requireScope } from '../auth.ts';
import { pauseSystem, resumeSystem } from '../connector-pauses.ts';
import type { GatewayDeps } from '../deps.ts';
import type { components } from '../generated/api.ts';
import { HttpProblem } from '../problems.ts';
import { authorizeDeclare, authorizeRead } from '../rights/enforce.ts';
import { describeSystems } from '../systems.ts';

type PauseRequest = components['schemas']['SystemPauseRequest'];

export function systemsRoutes(
  deps: Pick<GatewayDeps, 'auth' | 'db' | 'bus' | 'flows' | 'topics' | 'connectorGroup' | 'rights' | 'logger'>,
  jsonBody: RequestHandler[],
): Router {
  const router = Router();
  const validatePause = componentValidator<PauseRequest>('SystemPauseRequest');
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

  /** The declared system a pause or resume names, once the caller may do it. */
  const mayPause = async (req: Request, operation: string): Promise<string> => {
    await authorizeRead(deps, req.caller!, 'systems', { operation });
    await authorizeDeclare(deps, req.caller!, 'connector-pause', { operation });
    const system = String(req.params['system'] ?? '');
    if (!deps.flows().systems.has(system)) throw new HttpProblem('not-found', `no system "${system}" is declared in the flows`);
    return system;
  };

  router.post('/v1/systems/:system/pause', requireScope(deps.auth, 'dead-letters:write'), ...jsonBody, async (req, res) => {
    const system = await mayPause(req, 'POST /v1/systems/{system}/pause');
    const body: unknown = req.body;
    if (!validatePause(body)) throw new HttpProblem('validation-failed', 'give a reason', toIssues(validatePause.errors));
    const pause = await pauseSystem(deps.db, system, body.reason, req.caller!.name);
    deps.logger.info({ system, caller: req.caller!.name }, 'deliveries paused');
    res.json({ system, pause });
  });

  router.post('/v1/systems/:system/resume', requireScope(deps.auth, 'dead-letters:write'), async (req, res) => {
    const system = await mayPause(req, 'POST /v1/systems/{system}/resume');
    await resumeSystem(deps.db, system, req.caller!.name);
    deps.logger.info({ system, caller: req.caller!.name }, 'deliveries resumed');
    res.json({ system, pause: null });
  });
  return router;
}
