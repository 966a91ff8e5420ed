/**
 * POST /v1/service-requests and GET /v1/service-requests/{id}. The flows choose the competent
 * service: the request is routed as its submitted event would be, and the first system it
 * reaches that is not a notification channel (`role: notification` in flows/) is the one.
 */
import { createHash } from 'node:crypto';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { isUuid, newEventId } from '../core/ids.ts';
import type { Flows } from '../core/flows/flows.ts';
import { planDeliveries } from '../core/flows/plan.ts';
import type { Db } from '../core/store/db.ts';
import type { TopicNames } from '../core/topics.ts';
import { childTraceparent } from '../core/tracing/traceparent.ts';
import { canonicalJson } from '../core/canonical-json.ts';
import { toIssues } from '../schemas/validation.ts';
import { parseEventData, schemaIdOf, type EventData } from '../schemas/index.ts';
import { componentValidator } from './api-document.ts';
import { requireScope, type Authenticator } from './auth.ts';
import type { components } from './generated/api.ts';
import { HttpProblem } from './problems.ts';
import { citizenIssues, idempotencyKeyOf, requireJsonBody } from './request-checks.ts';
import { acceptServiceRequest, getServiceRequest, SUBMITTED } from './service-requests-store.ts';

type Submission = components['schemas']['ServiceRequestSubmission'];

export interface ServiceRequestDeps {
  db: Db;
  flows: () => Flows;
  topics: TopicNames;
  auth: Authenticator;
  onChangeAccepted?: () => void;
}

/** The submitted event's data, valid against its schema, with the competent service the flows give. */
function routeSubmission(
  submission: Submission,
  id: string,
  flows: Flows,
  origin: string | undefined,
): { data: EventData<typeof SUBMITTED>; planned: string[] } {
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
  const competent = planDeliveries(flows, event).find((d) => flows.systems.get(d.system)?.role !== 'notification')?.system;
  if (!competent) {
    throw new HttpProblem('validation-failed', 'no service handles this category at this location', [
      { field: '/category', message: `no route in flows/ takes "${submission.category}" requests for this location` },
    ]);
  }
  const data = { ...parsed.data, competentService: competent };
  return { data, planned: [...new Set(planDeliveries(flows, { ...event, data }).map((d) => d.system))] };
}

export function serviceRequestRoutes(deps: ServiceRequestDeps, json: RequestHandler): express.Router {
  const router = express.Router();
  const validate = componentValidator<Submission>('ServiceRequestSubmission');

  router.post(
    '/v1/service-requests',
    requireScope(deps.auth, 'service-requests:write'),
    requireJsonBody,
    json,
    async (req: Request, res: Response) => {
      const body: unknown = req.body;
      if (!validate(body)) throw new HttpProblem('validation-failed', 'the request body breaks the API schema', toIssues(validate.errors));
      const flows = deps.flows();
      const caller = req.caller!;
      const idempotencyKey = idempotencyKeyOf(req);
      const id = newEventId();
      const { data, planned } = routeSubmission(body, id, flows, caller.system);
      const outcome = await acceptServiceRequest(deps.db, {
        id,
        citizen: body.citizen,
        channel: body.channel,
        data,
        contactEmail: body.contact?.email,
        emailSystems: [...flows.systems].filter(([, s]) => s.connector === 'email').map(([name]) => name),
        caller: caller.name,
        originSystem: caller.system,
        idempotencyKey,
        requestHash: createHash('sha256')
          .update(canonicalJson({ serviceRequest: body }))
          .digest('hex'),
        traceparent: childTraceparent(req.get('traceparent')),
        dataschema: schemaIdOf(SUBMITTED),
        plannedSystems: planned,
        eventsTopic: deps.topics.events,
      });
      switch (outcome.outcome) {
        case 'unknown-citizen':
          throw new HttpProblem('validation-failed', 'no citizen has this pivot id', [
            { field: '/citizen/pivotId', message: 'unknown citizen' },
          ]);
        case 'idempotency-conflict':
          throw new HttpProblem('idempotency-conflict', `Idempotency-Key already used for ${outcome.changeId} with a different body`);
        case 'created':
          deps.onChangeAccepted?.();
          break;
        case 'replayed':
          break;
      }
      res.status(202).location(`/v1/service-requests/${outcome.request.id}`).json(outcome.request);
    },
  );

  router.get('/v1/service-requests/:id', requireScope(deps.auth, 'service-requests:read'), async (req, res) => {
    const id = String(req.params['id'] ?? '');
    if (!isUuid(id))
      throw new HttpProblem('invalid-parameter', 'the service request id is a UUID', [{ field: '/id', message: 'must be a UUID' }]);
    const request = await getServiceRequest(deps.db, id.toLowerCase());
    if (!request) throw new HttpProblem('not-found', `no service request ${id}`);
    res.json(request);
  });

  return router;
}
