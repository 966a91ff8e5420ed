/**
 * POST /v1/changes (scope changes:write) and GET /v1/changes/{id} (scope changes:read). The
 * route checks the request before anything is asked of the register or the store (the API
 * schema, a catalogue event type, data valid against that type's schema, systems declared in
 * the flows; every problem at once), then the rights file (may this caller originate this type
 * through this channel, naming the citizen this way; rights/enforce.ts), and shapes the answer;
 * changes/accept.ts accepts it. Reading a change is a read of personal data: allowed by the
 * rights file and recorded in the audit log.
 */
import type { ValidateFunction } from 'ajv';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Flows } from '../../core/flows/flows.ts';
import { isUuid } from '../../core/ids.ts';
import { startSpan, type TracedSpan } from '../../core/tracing/spans.ts';
import { CHANGE_SETTLED_V1, CONTACT_CHANGED_V1, isEventType, parseEventData, type EventData, type EventType } from '../../schemas/index.ts';
import { toIssues, type ValidationIssue } from '../../schemas/validation.ts';
import { requireScope } from '../auth.ts';
import { componentValidator } from '../api-document.ts';
import { acceptChange, citizenDeceased, citizenUnknown, type AcceptDeps } from '../changes/accept.ts';
import { getChange } from '../changes/view.ts';
import { authorizeChangeRead, authorizeOrigination } from '../rights/enforce.ts';
import type { GatewayDeps } from '../deps.ts';
import type { components } from '../generated/api.ts';
import { HttpProblem } from '../problems.ts';
import { citizenIssues, idempotencyKeyOf, requestHash } from '../request-checks.ts';
import { SUBMITTED } from '../service-requests-store.ts';

type ChangeRequest = components['schemas']['ChangeRequest'];

export type ChangesDeps = AcceptDeps & Pick<GatewayDeps, 'auth' | 'flows' | 'metrics' | 'rights' | 'changeGroups'>;

/** A change request whose data is valid against its event type's schema (narrowed by `type`). */
type ValidChange = {
  [T in EventType]: Omit<ChangeRequest, 'type' | 'data'> & { type: T; data: EventData<T> };
}[EventType];

function referenceIssues(request: ChangeRequest, flows: Flows): ValidationIssue[] {
  const issues = 'civil' in request.citizen ? [] : citizenIssues(request.citizen, flows);
  (request.recipients ?? []).forEach((system, i) => {
    if (!flows.systems.has(system)) issues.push({ field: `/recipients/${i}`, message: `unknown system "${system}"` });
  });
  return issues;
}

function issuesOf(
  validate: ValidateFunction<ChangeRequest>,
  body: unknown,
  flows: Flows,
): { change: ValidChange } | { issues: ValidationIssue[] } {
  if (!validate(body)) return { issues: toIssues(validate.errors) };
  const { type } = body;
  if (!isEventType(type)) {
    return { issues: [{ field: '/type', message: `unknown event type "${type}" (see GET /asyncapi.yaml and schemas/events/)` }] };
  }
  const parsed = parseEventData(type, body.data, '/data');
  const issues = [...(parsed.ok ? [] : parsed.issues), ...referenceIssues(body, flows)];
  if (!parsed.ok || issues.length > 0) return { issues };
  // parseEventData checked `data` against `type`'s schema; TypeScript cannot correlate the two.
  return { change: { ...body, type, data: parsed.data } as ValidChange };
}

/** The checked change, or a 422 problem listing every issue. */
export function checkChangeRequest(validate: ValidateFunction<ChangeRequest>, body: unknown, flows: Flows): ValidChange {
  const checked = issuesOf(validate, body, flows);
  if ('issues' in checked)
    throw new HttpProblem('validation-failed', `${checked.issues.length} problem(s) in the request body`, checked.issues);
  if (checked.change.type === SUBMITTED) {
    throw new HttpProblem('validation-failed', 'a service request is posted to /v1/service-requests', [
      { field: '/type', message: 'use POST /v1/service-requests' },
    ]);
  }
  if (checked.change.type === CHANGE_SETTLED_V1) {
    throw new HttpProblem('validation-failed', 'Relais itself tells a citizen that a change settled (docs/privacy.md)', [
      { field: '/type', message: 'published by Relais only' },
    ]);
  }
  return checked.change;
}

/** A contact change with an email address also becomes the address notifications go to. */
function contactEmailOf(change: ValidChange): string | undefined {
  return change.type === CONTACT_CHANGED_V1 ? change.data.email : undefined;
}

/** The request's server span, ended with its status once the answer is sent. */
function serverSpan(req: Request, res: Response): TracedSpan {
  const span = startSpan('POST /v1/changes', {
    parent: req.get('traceparent'),
    kind: 'server',
    attributes: { 'http.request.method': 'POST', 'http.route': '/v1/changes' },
  });
  res.once('finish', () => {
    span.setAttributes({ 'http.response.status_code': res.statusCode });
    span.end(res.statusCode >= 500 ? new Error(`answered ${res.statusCode}`) : undefined);
  });
  return span;
}

function postChange(deps: ChangesDeps): RequestHandler {
  const validate = componentValidator<ChangeRequest>('ChangeRequest');
  return async (req, res) => {
    const span = serverSpan(req, res);
    const flows = deps.flows();
    const change = checkChangeRequest(validate, req.body, flows);
    await authorizeOrigination(deps, req.caller!, change, 'POST /v1/changes');
    const toAccept = {
      ...change,
      caller: req.caller!,
      idempotencyKey: idempotencyKeyOf(req),
      requestHash: requestHash(change),
      traceparent: span.traceparent,
      contactEmail: contactEmailOf(change),
      contactLanguage: change.type === CONTACT_CHANGED_V1 ? change.data.language : undefined,
    };
    const outcome = await (deps.changeGroups ? deps.changeGroups.accept(flows, toAccept) : acceptChange(deps, flows, toAccept));
    switch (outcome.outcome) {
      case 'unknown-citizen':
        throw citizenUnknown(outcome.reference);
      case 'citizen-deceased':
        throw citizenDeceased(outcome.dateOfDeath);
      case 'idempotency-conflict':
        throw new HttpProblem('idempotency-conflict', `Idempotency-Key already used for change ${outcome.changeId} with a different body`);
      case 'replayed': {
        const replayed = await getChange(deps.db, outcome.changeId);
        if (!replayed)
          throw new HttpProblem(
            'idempotency-conflict',
            `Idempotency-Key already used for change ${outcome.changeId} with a different body`,
          );
        return void res.status(202).location(`/v1/changes/${replayed.id}`).json(replayed);
      }
      case 'created':
        deps.metrics?.changesAccepted.inc({ type: change.type, channel: change.channel });
        // At debug level only; the logger shows the data by its personal-data labels.
        deps.logger.debug(
          { change: { id: outcome.change.id, type: change.type, channel: change.channel, data: change.data } },
          'change accepted',
        );
        res.status(202).location(`/v1/changes/${outcome.change.id}`).json(outcome.change);
    }
  };
}

export function changesRoutes(deps: ChangesDeps, jsonBody: RequestHandler[]): Router {
  const router = Router();
  router.post('/v1/changes', requireScope(deps.auth, 'changes:write'), ...jsonBody, postChange(deps));

  router.get('/v1/changes/:id', requireScope(deps.auth, 'changes:read'), async (req, res) => {
    const id = String(req.params['id'] ?? '');
    if (!isUuid(id)) throw new HttpProblem('invalid-parameter', 'the change id is a UUID', [{ field: '/id', message: 'must be a UUID' }]);
    const change = await getChange(deps.db, id.toLowerCase());
    if (!change) throw new HttpProblem('not-found', `no change ${id}`);
    await authorizeChangeRead(deps, req.caller!, change, 'GET /v1/changes/{id}');
    res.json(change);
  });
  return router;
}
