/**
 * The body of POST /v1/changes, checked before anything is asked of the register or the store:
 * the API schema, a catalogue event type, data valid against that type's schema, and the
 * systems it names declared in the flows. Every problem found is reported at once.
 */
import type { ValidateFunction } from 'ajv';
import type { Flows } from '../../core/flows/flows.ts';
import { isEventType, parseEventData, type EventData, type EventType } from '../../schemas/index.ts';
import { toIssues, type ValidationIssue } from '../../schemas/validation.ts';
import type { components } from '../generated/api.ts';
import { HttpProblem } from '../problems.ts';
import { citizenIssues } from '../request-checks.ts';
import { SUBMITTED } from '../service-requests-store.ts';

type ChangeRequest = components['schemas']['ChangeRequest'];

/** A change request whose data is valid against its event type's schema (narrowed by `type`). */
export type ValidChange = {
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
  return checked.change;
}
