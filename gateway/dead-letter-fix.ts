/**
 * Inspecting and fixing one delivery dead letter (docs/adr/0036). An operator reads the
 * delivery's data as the system received it (opened with the citizen's key: a read of personal
 * data, audited by the route), corrects it, and re-drives the corrected delivery to that one
 * system. The correction is checked before anything is published:
 *   - against the event type's schema: every field given must be valid; a field the schema
 *     requires but the flow never delivered to this system (its allow-list) is not asked for;
 *   - against the original delivery: no field the system did not receive may be added (that
 *     would send it data the flow does not allow it).
 * The corrected delivery keeps the event id (the sink stays idempotent), is sealed again with
 * the citizen's key, and is published in the transaction of its audit entries (`dlq.fixed`,
 * naming the fields changed, never their values, and `dlq.replayed`), committed after Kafka
 * acknowledged: no fix without its audit entry.
 */
import { isDeepStrictEqual } from 'node:util';
import { appendAudit } from '../core/audit/append.ts';
import { decodeDelivery, encodeDelivery, type Delivery } from '../core/envelopes.ts';
import type { ValidationIssue } from '../schemas/validation.ts';
import { validateEventData } from '../schemas/index.ts';
import type { CitizenKeys } from '../privacy/citizen-keys.ts';
import { ERASED, openMessages, sealMessages } from '../privacy/sealed-messages.ts';
import { deadLetterEntries, skipReason, type DeadLetterSources } from './dead-letters.ts';
import type { components } from './generated/api.ts';
import { HttpProblem } from './problems.ts';

type Inspected = components['schemas']['DeadLetterInspection'];

/** Whether `pointer` (a JSON pointer) names a value present in `value`. */
function has(value: unknown, pointer: string): boolean {
  let at: unknown = value;
  for (const part of pointer.split('/').slice(1)) {
    if (at === null || typeof at !== 'object' || !(part in at)) return false;
    at = (at as Record<string, unknown>)[part];
  }
  return true;
}

/** The pointers of `fixed`'s leaves that `original` does not have. */
function added(original: unknown, fixed: unknown, path = ''): string[] {
  if (fixed === null || typeof fixed !== 'object' || Array.isArray(fixed)) return has(original, path) || path === '' ? [] : [path];
  return Object.entries(fixed).flatMap(([k, v]) => added(original, v, `${path}/${k}`));
}

/** The problems of a correction, each naming its field under /data. */
export function correctionIssues(type: string, original: Record<string, unknown>, fixed: Record<string, unknown>): ValidationIssue[] {
  const schema = validateEventData(type, fixed).filter((i) => !(i.message === 'is required' && !has(original, i.field)));
  const extra = added(original, fixed).map((field) => ({
    field,
    message: 'this system did not receive this field (the flow’s allow-list)',
  }));
  return [...schema, ...extra].map((i) => ({ ...i, field: `/data${i.field}` }));
}

async function deliveryOf(sources: DeadLetterSources, keys: CitizenKeys | undefined, system: string, eventId: string) {
  const entry = (await deadLetterEntries(sources, system)).find((e) => e.view.eventId === eventId);
  if (!entry) throw new HttpProblem('not-found', `no dead letter ${eventId} for ${system}`);
  const [opened] = keys ? await openMessages(keys, sources.db, [entry.message]) : [entry.message];
  if (opened === ERASED) throw new HttpProblem('not-found', `dead letter ${eventId}: the citizen's data was erased`);
  let delivery: Delivery;
  try {
    delivery = decodeDelivery(opened!);
  } catch {
    throw new HttpProblem('store-conflict', `dead letter ${eventId} is not a delivery that can be read (poison)`);
  }
  return { entry, delivery };
}

export async function inspectDeadLetter(
  sources: DeadLetterSources,
  keys: CitizenKeys | undefined,
  system: string,
  eventId: string,
): Promise<Inspected> {
  const { entry, delivery } = await deliveryOf(sources, keys, system, eventId);
  return { deadLetter: entry.view, routeId: delivery.routeId, data: delivery.data };
}

/** Re-drives the dead letter with `data` instead of what it carried; 422 naming each bad field, 409 unless still dead. */
export async function fixDeadLetter(
  sources: DeadLetterSources,
  keys: CitizenKeys | undefined,
  target: { system: string; eventId: string; data: Record<string, unknown> },
  actor: string,
): Promise<{ system: string; eventId: string; fields: string[] }> {
  const { system, eventId, data } = target;
  const { entry, delivery } = await deliveryOf(sources, keys, system, eventId);
  const cannot = skipReason(entry);
  if (cannot) throw new HttpProblem('store-conflict', `dead letter ${eventId}: ${cannot}`);
  const issues = correctionIssues(delivery.type, delivery.data, data);
  if (issues.length > 0) throw new HttpProblem('validation-failed', `the correction breaks ${delivery.type}`, issues);
  const fields = Object.keys({ ...delivery.data, ...data }).filter((k) => !isDeepStrictEqual(delivery.data[k], data[k]));
  const outgoing = encodeDelivery({ ...delivery, data }, sources.topics.delivery(system), entry.message.headers['ce_source']);
  const [message] = keys ? await sealMessages(keys, sources.db, [outgoing]) : [outgoing];
  const audited = { system, eventId, type: delivery.type, code: entry.view.code };
  await sources.db.transaction(async (tx) => {
    await appendAudit(tx, { actor, action: 'dlq.fixed', changeId: eventId, pivotId: delivery.pivotId, details: { ...audited, fields } });
    await appendAudit(tx, {
      actor,
      action: 'dlq.replayed',
      changeId: eventId,
      pivotId: delivery.pivotId,
      details: { ...audited, fixed: true },
    });
    await sources.bus.publish([message!]);
  });
  return { system, eventId, fields };
}
