/**
 * POST /v1/service-requests and GET /v1/service-requests/{id}. The flows choose the competent
 * service: the request is routed as its submitted event would be, and the first system it
 * reaches that is not a notification channel (`role: notification` in flows/) is the one. The
 * submission is then accepted as a change (changes/accept.ts) with the request's own rows.
 */
import { Router, type RequestHandler } from 'express';
import { isUuid, newEventId } from '../../core/ids.ts';
import type { Flows } from '../../core/flows/flows.ts';
import { planDeliveries } from '../../core/flows/plan.ts';
import { childTraceparent } from '../../core/tracing/traceparent.ts';
import { toIssues } from '../../schemas/validation.ts';
import { parseEventData, type EventData } from '../../schemas/index.ts';
import { componentValidator } from '../api-document.ts';
import { requireScope } from '../auth.ts';
import { acceptChange, citizenDeceased, citizenUnknown, type AcceptDeps } from '../changes/accept.ts';
import { getChange } from '../changes/view.ts';
import { authorizeChangeRead, authorizeOrigination } from '../rights/enforce.ts';
import type { GatewayDeps } from '../deps.ts';
import type { components } from '../generated/api.ts';
import { HttpProblem } from '../problems.ts';
import { citizenIssues, idempotencyKeyOf, requestHash } from '../request-checks.ts';
import { getServiceRequest, insertServiceRequest, SUBMITTED } from '../service-requests-store.ts';

type Submission = components['schemas']['ServiceRequestSubmission'];

export type ServiceRequestsDeps = AcceptDeps & Pick<GatewayDeps, 'auth' | 'flows' | 'rights'>;

/** The submitted event's data, valid against its schema, naming the competent service the flows give. */
function submittedData(submission: Submission, id: string, flows: Flows, origin: string | undefined): EventData<typeof SUBMITTED> {
  const candidate = {
    requestId: id,
    category: submission.category,
    location: submission.location,
    ...(submission.description !== undefined ? { description: submission.description } : {}),
    status: 'submitted',
    competentService: 'unassigned',
    submittedAt: new Date().toISOString(),
  };
  // The request's fields are the event's: the schema's pointers are the body's.
  const parsed = parseEventData(SUBMITTED, candidate);
  const issues = [...(parsed.ok ? [] : parsed.issues), ...citizenIssues(submission.citizen, flows)];
  if (!parsed.ok || issues.length > 0)
    throw new HttpProblem('validation-failed', `${issues.length} problem(s) in the request body`, issues);
  const event = { type: SUBMITTED, data: parsed.data, channel: submission.channel, origin };
  const { deliveries } = planDeliveries(flows, event);
  const competent = deliveries.find((d) => flows.systems.get(d.system)?.role !== 'notification')?.system;
  if (!competent) {
    throw new HttpProblem('validation-failed', 'no service handles this category at this location', [
      { field: '/category', message: `no route in flows/ takes "${submission.category}" requests for this location` },
    ]);
  }
  return { ...parsed.data, competentService: competent };
}

function postServiceRequest(deps: ServiceRequestsDeps): RequestHandler {
  const validate = componentValidator<Submission>('ServiceRequestSubmission');
  return async (req, res) => {
    const body: unknown = req.body;
    if (!validate(body)) throw new HttpProblem('validation-failed', 'the request body breaks the API schema', toIssues(validate.errors));
    const flows = deps.flows();
    const caller = req.caller!;
    const idempotencyKey = idempotencyKeyOf(req);
    const hash = requestHash({ serviceRequest: body });
    const id = newEventId();
    const data = submittedData(body, id, flows, caller.system);
    await authorizeOrigination(
      deps,
      caller,
      { type: SUBMITTED, channel: body.channel, citizen: body.citizen, data },
      'POST /v1/service-requests',
    );
    const outcome = await acceptChange(deps, flows, {
      id,
      type: SUBMITTED,
      data,
      channel: body.channel,
      citizen: body.citizen,
      caller,
      idempotencyKey,
      requestHash: hash,
      traceparent: childTraceparent(req.get('traceparent')),
      contactEmail: body.contact?.email,
      within: (tx, accepted) => insertServiceRequest(tx, accepted, body.channel, data),
    });
    switch (outcome.outcome) {
      case 'unknown-citizen':
        throw citizenUnknown(outcome.reference);
      case 'citizen-deceased':
        throw citizenDeceased(outcome.dateOfDeath);
      case 'idempotency-conflict':
        throw new HttpProblem('idempotency-conflict', `Idempotency-Key already used for ${outcome.changeId} with a different body`);
    }
    const changeId = outcome.outcome === 'created' ? outcome.change.id : outcome.changeId;
    const request = await getServiceRequest(deps.db, changeId);
    // A key first used for a change, then replayed here with the same body hash, is not a request.
    if (!request) throw new HttpProblem('idempotency-conflict', `Idempotency-Key already used for ${changeId} with a different body`);
    res.status(202).location(`/v1/service-requests/${request.id}`).json(request);
  };
}

export function serviceRequestsRoutes(deps: ServiceRequestsDeps, jsonBody: RequestHandler[]): Router {
  const router = Router();
  router.post('/v1/service-requests', requireScope(deps.auth, 'service-requests:write'), ...jsonBody, postServiceRequest(deps));

  router.get('/v1/service-requests/:id', requireScope(deps.auth, 'service-requests:read'), async (req, res) => {
    const id = String(req.params['id'] ?? '');
    if (!isUuid(id))
      throw new HttpProblem('invalid-parameter', 'the service request id is a UUID', [{ field: '/id', message: 'must be a UUID' }]);
    const request = await getServiceRequest(deps.db, id.toLowerCase());
    const change = request ? await getChange(deps.db, request.id) : undefined;
    if (!request || !change) throw new HttpProblem('not-found', `no service request ${id}`);
    await authorizeChangeRead(deps, req.caller!, change, 'GET /v1/service-requests/{id}');
    res.json(request);
  });
  return router;
}
