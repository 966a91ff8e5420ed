/**
 * Branded identifiers: a pivot id is not a change id is not a system's local identifier,
 * and the compiler keeps them apart at every boundary.
 */
import { createHash, randomUUID } from 'node:crypto';

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

export function isSystemName(value: string): boolean {
  return systemPattern.test(value);
}

/** Relais' UUID namespace for name-based ids (a random v4, fixed forever: changing it changes every derived id). */
export const RELAIS_NAMESPACE = '6f1c1d3e-5b7a-4c2e-9a8d-3f0b2e6c9d41';

/** A name-based UUID, version 5 (RFC 9562: SHA-1 of the namespace's bytes then the name's UTF-8). */
export function uuidV5(name: string, namespace: string = RELAIS_NAMESPACE): string {
  if (!isUuid(namespace)) throw new TypeError('the namespace of a v5 UUID is a UUID');
  const bytes = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The event id of a record a source hands over: the same (system, recordKey) always gives the
 * same id, so a record published again after a crash is recognised downstream as the same event.
 */
export function sourceEventId(system: string, recordKey: string): EventId {
  return uuidV5(recordKey, uuidV5(`relais:source:${system}`)) as EventId;
}
