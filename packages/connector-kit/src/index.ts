/**
 * @relais/connector-kit — what a connector author imports: the connector contract (what the
 * runtime does with each return and throw), the closed set of errors, the canonical event types
 * and their validators, and the few helpers a connector's I/O needs. Connectors import nothing
 * else from Relais; the runtimes that run them are in `@relais/connector-kit/runtime`, the
 * conformance suites and test helpers in `@relais/connector-kit/testing`.
 */
export * from './contract.ts';
export { describeError, errorCodes, isRetriable, RelaisError, RetryableError, type ErrorCode } from '../../../core/errors.ts';
export { unlessAborted } from '../../../core/abort.ts';
export { httpFetch, type HttpFetch, type HttpFetchOptions } from './http-fetch.ts';
export { createLogger, hashId, type Logger } from '../../../core/logger.ts';
export { isUuid, sourceEventId, type EventId, type PivotId } from '../../../core/ids.ts';
export {
  defineSettings,
  httpUrl,
  integer,
  list,
  oneOf,
  port,
  postgresUrl,
  readSettings,
  smtpUrl,
  sqlUrl,
  text,
  type Parser,
  type Setting,
  type SettingsTable,
  type SettingValues,
} from '../../../core/settings.ts';
export type { CivilIdentity, Criterion, IdentityResolver, RegisterCandidate, RegisteredAct } from '../../../identity/civil-identity.ts';
export {
  deliveredData,
  eventTypes,
  isEventType,
  parseEventData,
  validateEventData,
  type DeliveredData,
  type EventData,
  type EventType,
  type Projected,
} from '../../../schemas/index.ts';
export type * from '../../../schemas/generated/events.ts';
export * from '../../../schemas/generated/event-types.ts';
