/**
 * The routes without credentials, for probes and API clients: GET /healthz (the process
 * answers), /readyz (its dependencies do: statuses only), /openapi.json (the HTTP contract),
 * /.well-known/jwks.json (the keys that sign receipts and audit checkpoints) and /asyncapi.yaml
 * (the bus as this gateway's flows make it, which may differ from the repository's flows/).
 * /metrics and the reasons of readiness are on the operations listener (core/ops-server.ts):
 * they name hosts, errors and backlogs, which the public port does not tell.
 */
import { Router } from 'express';
import type { Flows } from '../../core/flows/flows.ts';
import { checkReadiness, storeCheck, type Readiness } from '../../core/health.ts';
import { openApiDocument } from '../api-document.ts';
import { asyncApiYaml } from '../asyncapi.ts';
import type { GatewayDeps } from '../deps.ts';

/** Each check's status and whether it is required, without the reason (internal error text). */
export function withoutReasons(readiness: Readiness): Readiness {
  const checks = Object.entries(readiness.checks).map(([name, { status, required }]) => [name, { status, required }] as const);
  return { status: readiness.status, checks: Object.fromEntries(checks) };
}

export function operationsRoutes(deps: Pick<GatewayDeps, 'db' | 'flows' | 'readiness' | 'publicKeys'>): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const readiness = await (deps.readiness ?? (() => checkReadiness([storeCheck(deps.db)])))();
    res.status(readiness.status === 'unavailable' ? 503 : 200).json(withoutReasons(readiness));
  });

  router.get('/.well-known/jwks.json', (_req, res) => {
    res.json({ keys: deps.publicKeys?.() ?? [] });
  });

  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });

  // Rendered once per flows version: a reload renders it again.
  const asyncApi = new WeakMap<Flows, string>();
  router.get('/asyncapi.yaml', (_req, res) => {
    const flows = deps.flows();
    let text = asyncApi.get(flows);
    if (text === undefined) asyncApi.set(flows, (text = asyncApiYaml(flows)));
    res.type('application/yaml').send(text);
  });
  return router;
}
