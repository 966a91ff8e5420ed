/**
 * The routes without credentials, for probes, scrapers and API clients: GET /healthz (the
 * process answers), /readyz (its dependencies do), /metrics (Prometheus), /openapi.json (the
 * HTTP contract) and /asyncapi.yaml (the bus as this gateway's flows make it, which may differ
 * from the repository's flows/).
 */
import { Router } from 'express';
import type { Flows } from '../../core/flows/flows.ts';
import { checkReadiness, storeCheck } from '../../core/health.ts';
import { scrape } from '../../core/metrics.ts';
import { openApiDocument } from '../api-document.ts';
import { asyncApiYaml } from '../asyncapi.ts';
import type { GatewayDeps } from '../deps.ts';
import { HttpProblem } from '../problems.ts';

export function operationsRoutes(deps: Pick<GatewayDeps, 'db' | 'flows' | 'metrics' | 'readiness'>): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const readiness = await (deps.readiness ?? (() => checkReadiness([storeCheck(deps.db)])))();
    res.status(readiness.status === 'unavailable' ? 503 : 200).json(readiness);
  });

  router.get('/metrics', async (_req, res) => {
    if (!deps.metrics) throw new HttpProblem('not-found', 'metrics are not enabled in this process');
    const { contentType, body } = await scrape(deps.metrics);
    res.type(contentType).send(body);
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
