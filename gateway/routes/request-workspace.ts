/**
 * The requests workspace (docs/adr/0035), where agents handle the requests citizens report:
 *   GET  /v1/service-requests               the list, filtered          read: service-requests
 *   GET  /v1/service-requests/{id}/trace    the whole trace             read: service-requests
 *   POST /v1/service-requests/{id}/notes    an internal note            declare: request-handling
 *   POST /v1/service-requests/{id}/assignment   to a competent service  declare: request-handling + originate
 *   POST /v1/service-requests/{id}/answer   the answer to the citizen   originate
 * An assignment and an answer are changes like any other (changes/accept.ts): the request's
 * updated or resolved event, which the flows send to the citizen's email and the gateway's own
 * consumer applies to the request's status — so the citizen hears exactly what the trace shows,
 * and a program does it through the same calls.
 */
import { Router, type Request, type RequestHandler } from 'express';
import { appendAudit } from '../../core/audit/append.ts';
import { isUuid } from '../../core/ids.ts';
import { childTraceparent } from '../../core/tracing/traceparent.ts';
import { parseEventData, type EventType } from '../../schemas/index.ts';
import { toIssues } from '../../schemas/validation.ts';
import { componentValidator } from '../api-document.ts';
import { requireScope } from '../auth.ts';
import { acceptChange, citizenDeceased, type AcceptDeps } from '../changes/accept.ts';
import type { GatewayDeps } from '../deps.ts';
import type { components } from '../generated/api.ts';
import { HttpProblem } from '../problems.ts';
import { idempotencyKeyOf, requestHash } from '../request-checks.ts';
import { actionsOf, ageOf, CLOSED_STATUSES, insertAction, listRequests, requestRowOf, type NewAction } from '../request-workspace-store.ts';
import { getServiceRequest, RESOLVED, UPDATED } from '../service-requests-store.ts';
import { authorizeDeclare, authorizeOrigination, authorizeRead, recordRead } from '../rights/enforce.ts';

type Assignment = components['schemas']['ServiceRequestAssignment'];
type Note = components['schemas']['ServiceRequestNote'];
type Answer = components['schemas']['ServiceRequestAnswer'];
type Action = components['schemas']['ServiceRequestAction'];

export type RequestWorkspaceDeps = AcceptDeps & Pick<GatewayDeps, 'auth' | 'flows' | 'rights'>;

/** The channel of what the workspace tells the citizen: the flows send it by email. */
const CHANNEL = 'email';

function requestIdOf(req: Request): string {
  const id = String(req.params['id'] ?? '');
  if (!isUuid(id))
    throw new HttpProblem('invalid-parameter', 'the service request id is a UUID', [{ field: '/id', message: 'must be a UUID' }]);
  return id.toLowerCase();
}

async function openRequest(deps: Pick<GatewayDeps, 'db'>, id: string) {
  const row = await requestRowOf(deps.db, id);
  if (!row) throw new HttpProblem('not-found', `no service request ${id}`);
  if (row.closed) throw new HttpProblem('request-closed', `service request ${id} is ${row.status}`);
  return row;
}

/** The systems a request may be assigned to: declared, and not a notification channel. */
function servicesOf(deps: Pick<GatewayDeps, 'flows'>): string[] {
  return [...deps.flows().systems].filter(([, s]) => s.role !== 'notification').map(([name]) => name);
}

function queryOf(req: Request) {
  const text = (name: string) => (typeof req.query[name] === 'string' ? req.query[name].trim() : '') || undefined;
  const number = (name: string, min: number, max: number) => {
    const raw = text(name);
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max)
      throw new HttpProblem('invalid-parameter', `${name} is an integer from ${min} to ${max}`, [
        { field: `/${name}`, message: `must be ${min}..${max}` },
      ]);
    return value;
  };
  const commune = text('commune');
  if (commune !== undefined && !/^[0-9][0-9AB][0-9]{3}$/.test(commune))
    throw new HttpProblem('invalid-parameter', 'commune is an INSEE code', [{ field: '/commune', message: 'must be an INSEE code' }]);
  return {
    category: text('category'),
    commune,
    status: text('status'),
    service: text('service'),
    olderThanHours: number('olderThanHours', 0, 100_000),
    limit: number('limit', 1, 500) ?? 100,
  };
}

/**
 * Tells the citizen `data` as the request's `type` event, accepted as a change whose
 * transaction also records the agent's action (and `also`, an assignment's new service).
 */
async function tellCitizen(
  deps: RequestWorkspaceDeps,
  req: Request,
  request: { id: string; pivot_id: string },
  told: { type: EventType; data: Record<string, unknown>; action: Omit<NewAction, 'changeId'>; operation: string },
): Promise<Action> {
  const parsed = parseEventData(told.type, told.data);
  if (!parsed.ok) throw new HttpProblem('validation-failed', `the answer breaks ${told.type}`, parsed.issues);
  const citizen = { pivotId: request.pivot_id };
  const caller = req.caller!;
  await authorizeOrigination(deps, caller, { type: told.type, channel: CHANNEL, citizen, data: parsed.data }, told.operation);
  const outcome = await acceptChange(deps, deps.flows(), {
    type: told.type,
    data: parsed.data,
    channel: CHANNEL,
    citizen,
    caller,
    idempotencyKey: idempotencyKeyOf(req),
    requestHash: requestHash({ [told.operation]: req.body as unknown, request: request.id }),
    traceparent: childTraceparent(req.get('traceparent')),
    within: async (tx, accepted) => {
      await insertAction(tx, { ...told.action, changeId: accepted.id });
      if (told.action.kind === 'assigned')
        await tx.query('UPDATE service_requests SET competent_service = $2 WHERE id = $1', [request.id, told.action.service]);
    },
  });
  switch (outcome.outcome) {
    case 'citizen-deceased':
      throw citizenDeceased(outcome.dateOfDeath);
    case 'idempotency-conflict':
      throw new HttpProblem('idempotency-conflict', `Idempotency-Key already used for ${outcome.changeId} with a different body`);
    case 'unknown-citizen':
      throw new HttpProblem('not-found', `the citizen of service request ${request.id} is no longer known`);
  }
  const changeId = outcome.outcome === 'created' ? outcome.change.id : outcome.changeId;
  const action = (await actionsOf(deps.db, request.id)).find((a) => a.changeId === changeId);
  if (!action) throw new HttpProblem('idempotency-conflict', `Idempotency-Key already used for ${changeId} with a different body`);
  return action;
}

export function requestWorkspaceRoutes(deps: RequestWorkspaceDeps, jsonBody: RequestHandler[]): Router {
  const router = Router();
  const validateAssignment = componentValidator<Assignment>('ServiceRequestAssignment');
  const validateNote = componentValidator<Note>('ServiceRequestNote');
  const validateAnswer = componentValidator<Answer>('ServiceRequestAnswer');
  const invalid = (errors: Parameters<typeof toIssues>[0]) =>
    new HttpProblem('validation-failed', 'the request body breaks the API schema', toIssues(errors));

  router.get('/v1/service-requests', requireScope(deps.auth, 'service-requests:read'), async (req, res) => {
    const operation = 'GET /v1/service-requests';
    const grant = await authorizeRead(deps, req.caller!, 'service-requests', { operation });
    const requests = await listRequests(deps.db, queryOf(req));
    // The list names citizens by pivot id: a read of personal data.
    await recordRead(deps, req.caller!, { operation, grant, count: requests.length });
    res.json({ requests });
  });

  router.get('/v1/service-requests/:id/trace', requireScope(deps.auth, 'service-requests:read'), async (req, res) => {
    const operation = 'GET /v1/service-requests/{id}/trace';
    const id = requestIdOf(req);
    const grant = await authorizeRead(deps, req.caller!, 'service-requests', { operation });
    const [row, request] = await Promise.all([requestRowOf(deps.db, id), getServiceRequest(deps.db, id)]);
    if (!row || !request) throw new HttpProblem('not-found', `no service request ${id}`);
    const actions = await actionsOf(deps.db, id);
    await recordRead(deps, req.caller!, { operation, grant, pivotId: row.pivot_id, changeId: id });
    res.json({
      request,
      ...(row.commune_insee ? { commune: row.commune_insee } : {}),
      ...ageOf(row),
      services: servicesOf(deps),
      actions,
    });
  });

  router.post('/v1/service-requests/:id/notes', requireScope(deps.auth, 'service-requests:write'), ...jsonBody, async (req, res) => {
    const operation = 'POST /v1/service-requests/{id}/notes';
    const id = requestIdOf(req);
    const grant = await authorizeDeclare(deps, req.caller!, 'request-handling', { operation });
    const body: unknown = req.body;
    if (!validateNote(body)) throw invalid(validateNote.errors);
    const row = await requestRowOf(deps.db, id);
    if (!row) throw new HttpProblem('not-found', `no service request ${id}`);
    const action = await deps.db.transaction(async (tx) => {
      const noted = await insertAction(tx, { requestId: id, kind: 'noted', agent: req.caller!.name, note: body.note });
      // The note's text is not audited: it may say anything about the citizen.
      await appendAudit(tx, {
        actor: req.caller!.name,
        action: 'service-request.noted',
        changeId: id,
        pivotId: row.pivot_id,
        details: { operation, grant, actionId: noted.id },
      });
      return noted;
    });
    res.status(201).json(action);
  });

  router.post('/v1/service-requests/:id/assignment', requireScope(deps.auth, 'service-requests:write'), ...jsonBody, async (req, res) => {
    const operation = 'POST /v1/service-requests/{id}/assignment';
    const id = requestIdOf(req);
    await authorizeDeclare(deps, req.caller!, 'request-handling', { operation });
    const body: unknown = req.body;
    if (!validateAssignment(body)) throw invalid(validateAssignment.errors);
    if (!servicesOf(deps).includes(body.service))
      throw new HttpProblem('validation-failed', `${body.service} is not a service of the flows`, [
        { field: '/service', message: 'must be a declared system that is not a notification channel' },
      ]);
    const row = await openRequest(deps, id);
    const data = {
      requestId: id,
      category: row.category,
      status: 'reassigned',
      competentService: body.service,
      ...(body.comment ? { comment: body.comment } : {}),
      updatedAt: new Date().toISOString(),
    };
    const action = { requestId: id, kind: 'assigned' as const, agent: req.caller!.name, service: body.service, note: body.comment };
    res.status(202).json(await tellCitizen(deps, req, row, { type: UPDATED, data, action, operation }));
  });

  router.post('/v1/service-requests/:id/answer', requireScope(deps.auth, 'service-requests:write'), ...jsonBody, async (req, res) => {
    const operation = 'POST /v1/service-requests/{id}/answer';
    const id = requestIdOf(req);
    const body: unknown = req.body;
    if (!validateAnswer(body)) throw invalid(validateAnswer.errors);
    const row = await openRequest(deps, id);
    const closing = (CLOSED_STATUSES as readonly string[]).includes(body.status);
    const now = new Date().toISOString();
    const common = {
      requestId: id,
      category: row.category,
      status: body.status,
      competentService: row.competent_service,
      comment: body.message,
    };
    const data = closing
      ? { ...common, resolvedAt: now }
      : { ...common, ...(body.plannedDate ? { plannedDate: body.plannedDate } : {}), updatedAt: now };
    const action = { requestId: id, kind: 'answered' as const, agent: req.caller!.name, note: body.message };
    res.status(202).json(await tellCitizen(deps, req, row, { type: closing ? RESOLVED : UPDATED, data, action, operation }));
  });
  return router;
}
