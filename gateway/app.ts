/**
 * The tell-us-once HTTP API, built by a function so tests drive it on an ephemeral port.
 * Routes stay thin: validate, call the store, shape the answer. Errors become RFC 9457
 * problems in one handler at the end.
 */
import { createHash } from 'node:crypto';
import type { ValidateFunction } from 'ajv';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Bus } from '../core/bus/types.ts';
import { asyncApiYaml } from './asyncapi.ts';
import { RelaisError } from '../core/errors.ts';
import { checkReadiness, storeCheck, type Readiness } from '../core/health.ts';
import { scrape, type RelaisMetrics } from '../core/metrics.ts';
import type { IdentityResolver } from '../core/identity/civil-identity.ts';
import { isUuid } from '../core/ids.ts';
import type { Logger } from '../core/logger.ts';
import type { Flows } from '../core/flows/flows.ts';
import { planDeliveries } from '../core/flows/plan.ts';
import type { Db } from '../core/store/db.ts';
import type { TopicNames } from '../core/topics.ts';
import { startSpan } from '../core/tracing/spans.ts';
import { canonicalJson } from '../core/canonical-json.ts';
import { toIssues, type ValidationIssue } from '../schemas/validation.ts';
import { CONTACT_CHANGED_V1, isEventType, parseEventData, schemaIdOf, type EventData, type EventType } from '../schemas/index.ts';
import { componentValidator, openApiDocument } from './api-document.ts';
import { requireScope, type Authenticator } from './auth.ts';
import { acceptChange, type NewChange } from './changes-store.ts';
import { getChange, timeline } from './changes-view.ts';
import { resolveCivil } from './civil-resolution.ts';
import { mountDeadLetterRoutes } from './dead-letter-routes.ts';
import { mountIdentityRoutes } from './identity-routes.ts';
import type { components } from './generated/api.ts';
import { operationsRoutes } from './operations-routes.ts';
import { HttpProblem, problemBody, sendProblem } from './problems.ts';
import { citizenIssues, idempotencyKeyOf, requireJsonBody } from './request-checks.ts';
import { serviceRequestRoutes } from './service-request-routes.ts';
import { rememberEmail, serviceRequestTimeline, SUBMITTED } from './service-requests-store.ts';

type ChangeRequest = components['schemas']['ChangeRequest'];

export interface GatewayDeps {
  db: Db;
  /** Read on every request, so a reload is seen at once. */
  flows: () => Flows;
  topics: TopicNames;
  auth: Authenticator;
  logger: Logger;
  maxBodyBytes: number;
  /** Called after a change is committed: wakes the outbox relay. */
  onChangeAccepted?: () => void;
  /** Readiness of every dependency (core/health.ts); without it, the store alone is checked. */
  readiness?: () => Promise<Readiness>;
  /** The process's registry: served at GET /metrics, and counts accepted changes. */
  metrics?: RelaisMetrics;
  /** Kafka figures for GET /v1/systems (lag, dead letters, connector instances). */
  bus?: Bus;
  /** Consumer group of a system's connector, for GET /v1/systems. */
  connectorGroup?: (system: string) => string;
  /** Prefix of the throwaway consumer groups that read dead-letter topics. */
  dlqReaderGroup?: string;
  /** The register that resolves citizens named by civil data (a connector's capability, injected). */
  identityResolver?: IdentityResolver | undefined;
  /** Time limit of one register search (default 10 s). */
  identityTimeoutMs?: number;
}

/** A change request whose data is valid against its event type's schema (narrowed by `type`). */
type ValidChange = { [T in EventType]: Omit<ChangeRequest, 'type' | 'data'> & { type: T; data: EventData<T> } }[EventType];

function checkReferences(request: ChangeRequest, flows: Flows): ValidationIssue[] {
  const issues = 'civil' in request.citizen ? [] : citizenIssues(request.citizen, flows);
  (request.recipients ?? []).forEach((system, i) => {
    if (!flows.systems.has(system)) issues.push({ field: `/recipients/${i}`, message: `unknown system "${system}"` });
  });
  return issues;
}

function checkChangeRequest(
  validate: ValidateFunction<ChangeRequest>,
  body: unknown,
  flows: Flows,
): { change: ValidChange; issues: [] } | { issues: ValidationIssue[] } {
  if (!validate(body)) return { issues: toIssues(validate.errors) };
  const { type } = body;
  if (!isEventType(type)) {
    return { issues: [{ field: '/type', message: `unknown event type "${type}" (see GET /asyncapi.yaml and schemas/events/)` }] };
  }
  const parsed = parseEventData(type, body.data, '/data');
  const issues = [...(parsed.ok ? [] : parsed.issues), ...checkReferences(body, flows)];
  if (!parsed.ok || issues.length > 0) return { issues };
  // parseEventData checked `data` against `type`'s schema; TypeScript cannot correlate the two.
  return { change: { ...body, type, data: parsed.data } as ValidChange, issues: [] };
}

/** A contact change with an email address also becomes the address notifications go to. */
function contactEmailWriter(request: ValidChange, flows: Flows): NewChange['within'] {
  const email = request.type === CONTACT_CHANGED_V1 ? request.data.email : undefined;
  if (!email) return undefined;
  const systems = [...flows.systems].filter(([, s]) => s.connector === 'email').map(([name]) => name);
  return (tx, accepted) => rememberEmail(tx, accepted.pivotId, email, systems);
}

/** The matched route pattern (`/v1/changes/:id`), never the path with its ids. */
function routeOf(req: Request): string {
  const route = req.route as { path?: unknown } | undefined;
  return typeof route?.path === 'string' ? route.path : 'unmatched';
}

export function createApp(deps: GatewayDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  const json = express.json({ limit: deps.maxBodyBytes, type: () => true, strict: true });
  const validateChangeRequest = componentValidator<ChangeRequest>('ChangeRequest');

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const readiness = await (deps.readiness ?? (() => checkReadiness([storeCheck(deps.db)])))();
    res.status(readiness.status === 'unavailable' ? 503 : 200).json(readiness);
  });

  app.get('/metrics', async (_req, res) => {
    if (!deps.metrics) throw new HttpProblem('not-found', 'metrics are not enabled in this process');
    const { contentType, body } = await scrape(deps.metrics);
    res.type(contentType).send(body);
  });

  app.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });

  const jsonBody: express.RequestHandler[] = [requireJsonBody, json];

  // The bus as this gateway's flows make it (they may differ from the repository's flows/).
  const asyncApi = new WeakMap<Flows, string>();
  app.get('/asyncapi.yaml', (_req, res) => {
    const flows = deps.flows();
    let text = asyncApi.get(flows);
    if (text === undefined) asyncApi.set(flows, (text = asyncApiYaml(flows)));
    res.type('application/yaml').send(text);
  });

  app.post('/v1/changes', requireScope(deps.auth, 'changes:write'), ...jsonBody, async (req: Request, res: Response) => {
    const span = startSpan('POST /v1/changes', {
      parent: req.get('traceparent'),
      kind: 'server',
      attributes: { 'http.request.method': 'POST', 'http.route': '/v1/changes' },
    });
    res.once('finish', () => {
      span.setAttributes({ 'http.response.status_code': res.statusCode });
      span.end(res.statusCode >= 500 ? new Error(`answered ${res.statusCode}`) : undefined);
    });
    const flows = deps.flows();
    const checked = checkChangeRequest(validateChangeRequest, req.body, flows);
    if (!('change' in checked))
      throw new HttpProblem('validation-failed', `${checked.issues.length} problem(s) in the request body`, checked.issues);
    const request = checked.change;
    if (request.type === SUBMITTED) {
      throw new HttpProblem('validation-failed', 'a service request is posted to /v1/service-requests', [
        { field: '/type', message: 'use POST /v1/service-requests' },
      ]);
    }

    const idempotencyKey = idempotencyKeyOf(req);
    const caller = req.caller!;
    const plannedSystems = planDeliveries(flows, {
      type: request.type,
      data: request.data,
      channel: request.channel,
      origin: caller.system,
      recipients: request.recipients,
    }).map((d) => d.system);

    const resolved =
      'civil' in request.citizen
        ? await resolveCivil(deps.identityResolver, request.citizen.civil, caller.name, {
            timeoutMs: deps.identityTimeoutMs ?? 10_000,
            logger: deps.logger,
          })
        : { citizen: request.citizen };
    const outcome = await acceptChange(deps.db, {
      type: request.type,
      citizen: resolved.citizen,
      linkProvenance: 'linkProvenance' in resolved ? resolved.linkProvenance : undefined,
      channel: request.channel,
      data: request.data,
      recipients: request.recipients,
      caller: caller.name,
      originSystem: caller.system,
      idempotencyKey,
      requestHash: createHash('sha256').update(canonicalJson(request)).digest('hex'),
      traceparent: span.traceparent,
      dataschema: schemaIdOf(request.type),
      plannedSystems: [...new Set(plannedSystems)],
      eventsTopic: deps.topics.events,
      within: contactEmailWriter(request, flows),
    });

    switch (outcome.outcome) {
      case 'unknown-citizen':
        throw new HttpProblem('validation-failed', 'no citizen has this pivot id', [
          { field: '/citizen/pivotId', message: 'unknown citizen' },
        ]);
      case 'idempotency-conflict':
        throw new HttpProblem('idempotency-conflict', `Idempotency-Key already used for change ${outcome.changeId} with a different body`);
      case 'created':
        deps.metrics?.changesAccepted.inc({ type: request.type, channel: request.channel });
        // At debug level only; the logger shows the data by its personal-data labels.
        deps.logger.debug(
          { change: { id: outcome.change.id, type: request.type, channel: request.channel, data: request.data } },
          'change accepted',
        );
        deps.onChangeAccepted?.();
        break;
      case 'replayed':
        break;
    }
    res.status(202).location(`/v1/changes/${outcome.change.id}`).json(outcome.change);
  });

  app.get('/v1/changes/:id', requireScope(deps.auth, 'changes:read'), async (req, res) => {
    const id = String(req.params['id'] ?? '');
    if (!isUuid(id)) throw new HttpProblem('invalid-parameter', 'the change id is a UUID', [{ field: '/id', message: 'must be a UUID' }]);
    const change = await getChange(deps.db, id.toLowerCase());
    if (!change) throw new HttpProblem('not-found', `no change ${id}`);
    res.json(change);
  });

  app.get('/v1/citizens/:pivotId/timeline', requireScope(deps.auth, 'citizens:read'), async (req, res) => {
    const pivotId = String(req.params['pivotId'] ?? '');
    if (!isUuid(pivotId))
      throw new HttpProblem('invalid-parameter', 'the pivot id is a UUID', [{ field: '/pivotId', message: 'must be a UUID' }]);
    const entries = await timeline(deps.db, pivotId.toLowerCase());
    if (!entries) throw new HttpProblem('not-found', 'no such citizen');
    const requests = await serviceRequestTimeline(deps.db, pivotId.toLowerCase());
    res.json({ pivotId: pivotId.toLowerCase(), entries: [...entries, ...requests].sort((a, b) => b.at.localeCompare(a.at)) });
  });

  app.use(operationsRoutes(deps));
  app.use(serviceRequestRoutes(deps, json));
  mountIdentityRoutes(app, deps, jsonBody);
  mountDeadLetterRoutes(app, deps, jsonBody);

  app.use((req, _res, next) => {
    next(new HttpProblem('not-found', `no route ${req.method} ${req.path}`));
  });

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const instance = req.originalUrl;
    if (error instanceof HttpProblem) {
      const headers: Record<string, string> =
        error.code === 'unauthenticated'
          ? { 'WWW-Authenticate': 'Bearer realm="relais"' }
          : error.code === 'register-unavailable' || error.code === 'kafka-unavailable'
            ? { 'Retry-After': '5' }
            : {};
      return sendProblem(res, problemBody(error.code, { detail: error.detail, instance, errors: error.errors }), headers);
    }
    const parserError = error as { type?: string; status?: number };
    if (parserError.type === 'entity.too.large') {
      return sendProblem(res, problemBody('payload-too-large', { detail: `the limit is ${deps.maxBodyBytes} bytes`, instance }));
    }
    if (parserError.type === 'entity.parse.failed') {
      return sendProblem(
        res,
        problemBody('malformed-json', {
          detail: 'the body could not be parsed as JSON',
          instance,
          errors: [{ field: '/', message: 'malformed JSON' }],
        }),
      );
    }
    if (parserError.type === 'encoding.unsupported' || parserError.type === 'charset.unsupported') {
      return sendProblem(res, problemBody('unsupported-media-type', { detail: 'use UTF-8 JSON', instance }));
    }
    if (error instanceof RelaisError && error.code === 'STORE_UNAVAILABLE') {
      deps.logger.error({ err: error, route: routeOf(req) }, 'state store failed');
      return sendProblem(res, problemBody('store-unavailable', { instance }), { 'Retry-After': '5' });
    }
    deps.logger.error({ err: error, route: routeOf(req) }, 'unhandled error');
    sendProblem(res, problemBody('internal', { instance }));
  });

  return app;
}
