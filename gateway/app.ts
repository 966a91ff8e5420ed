/**
 * The tell-us-once HTTP API, built by a function so tests drive it on an ephemeral port: one
 * router per resource (routes/*.ts), each given the dependencies it uses, then one handler that
 * turns every error into an RFC 9457 problem. gateway/openapi.yaml is the contract.
 */
import express from 'express';
import type { GatewayDeps } from './deps.ts';
import { noRoute, problemHandler } from './problems.ts';
import { jsonBody } from './request-checks.ts';
import { changesRoutes } from './routes/changes.ts';
import { citizensRoutes } from './routes/citizens.ts';
import { deadLettersRoutes } from './routes/dead-letters.ts';
import { identityReviewsRoutes } from './routes/identity-reviews.ts';
import { kpisRoutes } from './routes/kpis.ts';
import { operationsRoutes } from './routes/operations.ts';
import { serviceRequestsRoutes } from './routes/service-requests.ts';
import { systemsRoutes } from './routes/systems.ts';

export type { GatewayDeps } from './deps.ts';

export function createApp(deps: GatewayDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  const body = jsonBody(deps.maxBodyBytes);
  app.use(
    operationsRoutes(deps),
    changesRoutes(deps, body),
    citizensRoutes(deps),
    serviceRequestsRoutes(deps, body),
    identityReviewsRoutes(deps, body),
    systemsRoutes(deps),
    deadLettersRoutes(deps, body),
    kpisRoutes(deps),
  );
  app.use(noRoute);
  app.use(problemHandler(deps));
  return app;
}
