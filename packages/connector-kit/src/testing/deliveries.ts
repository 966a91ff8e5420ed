/**
 * Calling a sink directly in its own tests, without the runtime: a delivery as the router
 * would make it, and the context the runtime would pass. Pure: no broker, no database.
 */
import { randomUUID } from 'node:crypto';
import type { Delivery } from '../../../../core/envelopes.ts';
import { createLogger } from '../../../../core/logger.ts';
import type { SinkContext } from '../contract.ts';

/** What a test chooses of a delivery; the ids, route and time are made up. */
export type DeliveryInput = Pick<Delivery, 'type' | 'citizenId' | 'data'>;

/** A delivery to `system` with a fresh event id and pivot id, made now. */
export function testDelivery(system: string, { type, citizenId, data }: DeliveryInput, routeId = 'test'): Delivery {
  return { eventId: randomUUID(), type, pivotId: randomUUID(), system, routeId, citizenId, data, time: new Date().toISOString() };
}

/** The context of a first attempt, with a signal that never aborts and a silent logger. */
export function testSinkContext(): SinkContext {
  return { signal: new AbortController().signal, attempt: 1, logger: createLogger({ component: 'test', level: 'silent' }) };
}
