/**
 * Branded identifiers: a pivot id is not a change id is not a system's local identifier,
 * and the compiler keeps them apart at every boundary.
 */
import { randomUUID } from 'node:crypto';

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** Relais' pseudonymous identifier of a citizen (a UUID owned by Relais). */
export type PivotId = Brand<string, 'PivotId'>;
/** The id of one change; also the CloudEvents id of the event it produces. */
export type EventId = Brand<string, 'EventId'>;
/** A connected system's name, e.g. `social-services` (its folder and topic suffix). */
export type SystemName = Brand<string, 'SystemName'>;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const systemPattern = /^[a-z][a-z0-9-]{1,62}$/;

export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

export function newPivotId(): PivotId {
  return randomUUID() as PivotId;
}

export function newEventId(): EventId {
  return randomUUID() as EventId;
}

export function asPivotId(value: string): PivotId {
  if (!isUuid(value)) throw new TypeError('a pivot id is a UUID');
  return value.toLowerCase() as PivotId;
}

export function asEventId(value: string): EventId {
  if (!isUuid(value)) throw new TypeError('an event id is a UUID');
  return value.toLowerCase() as EventId;
}

export function isSystemName(value: string): boolean {
  return systemPattern.test(value);
}

export function asSystemName(value: string): SystemName {
  if (!isSystemName(value)) throw new TypeError(`"${value}" is not a system name (lowercase letters, digits and dashes)`);
  return value as SystemName;
}
