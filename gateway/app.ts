/**
 * The tell-us-once HTTP API, built by a function so tests drive it on an ephemeral port: one
 * router per resource (routes/*.ts), each given the dependencies it uses, then one handler that
 * turns every error into an RFC 9457 problem. gateway/openapi.yaml is the contract.
 */
import { createHash } from 'node:crypto';
import express, { type Request } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import type { GatewayDeps } from './deps.ts';
import { noRoute, problemBody, problemHandler, sendProblem } from './problems.ts';
import { jsonBody, refuseUnstorableParameters } from './request-checks.ts';
import { changesRoutes } from './routes/changes.ts';
import { citizensRoutes } from './routes/citizens.ts';
import { citizenFilesRoutes } from './routes/citizen-files.ts';
import { changePreviewRoutes } from './routes/change-preview.ts';
import { deadLettersRoutes } from './routes/dead-letters.ts';
import { familyContactRoutes } from './routes/family-contact.ts';
import { erasureRoutes } from './routes/erasure.ts';
import { identityReviewsRoutes } from './routes/identity-reviews.ts';
import { interactionsRoutes } from './routes/interactions.ts';
import { importReviewsRoutes } from './routes/import-reviews.ts';
import { identitiesRoutes } from './routes/identities.ts';
import { kpisRoutes } from './routes/kpis.ts';
import { operationsRoutes } from './routes/operations.ts';
import { privacyRoutes } from './routes/privacy.ts';
import { requestWorkspaceRoutes } from './routes/request-workspace.ts';
import { serviceRequestsRoutes } from './routes/service-requests.ts';
import { systemsRoutes } from './routes/systems.ts';

export type { GatewayDeps } from './deps.ts';

/** A caller is counted by its credential (hashed, never kept in clear), else by its address. */
function rateKey(req: Request): string {
  const authorization = req.get('authorization');
  return authorization ? createHash('sha256').update(authorization).digest('hex') : `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`;
}

export function createApp(deps: GatewayDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  // Security headers (helmet's defaults: nosniff, a same-origin CSP, HSTS…). No CORS
  // middleware: browsers on other origins get no Access-Control-Allow-Origin, i.e. closed.
  app.use(helmet());
  // Per credential, IETF draft-8 `RateLimit`/`RateLimit-Policy` headers, a 429 problem.
  app.use(
    rateLimit({
      windowMs: 60_000,
      limit: deps.rateLimitPerMinute ?? 6000,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      keyGenerator: rateKey,
      handler: (req, res) =>
        sendProblem(
          res,
          problemBody('rate-limited', { detail: 'too many requests for this credential; retry later', instance: req.originalUrl }),
        ),
    }),
  );
  const body = jsonBody(deps.maxBodyBytes);
  app.use(refuseUnstorableParameters);
  app.use(
    operationsRoutes(deps),
    changePreviewRoutes(deps, body),
    changesRoutes(deps, body),
    citizensRoutes(deps),
    citizenFilesRoutes(deps),
    familyContactRoutes(deps, body),
    privacyRoutes(deps),
    interactionsRoutes(deps, body),
    erasureRoutes(deps),
    requestWorkspaceRoutes(deps, body),
    serviceRequestsRoutes(deps, body),
    importReviewsRoutes(deps, body),
    identityReviewsRoutes(deps, body),
    identitiesRoutes(deps, body),
    systemsRoutes(deps, body),
    deadLettersRoutes(deps, body),
    kpisRoutes(deps),
  );
  app.use(noRoute);
  app.use(problemHandler(deps));
  return app;
}
