/**
 * @relais/connector-kit/runtime — the runtimes that run a connector: they own Kafka consumption,
 * per-citizen ordering, retries, dead letters, receipts, checkpoints and shutdown. The Relais
 * connector host (connectors/host.ts) hands a connector's parts to them. What their options
 * name (a bus, a store, the topic names, the retry and backoff policies) is exported here too,
 * so a connector can also be run by hand (with `testBus` and `createTestDatabase` from /testing).
 */
export { startSinkRuntime, type RetryPolicy, type RunningSink, type SinkMetrics, type SinkRuntimeOptions } from './sink-runtime.ts';
export {
  killAfterPublish,
  startPushSourceRuntime,
  startSourceRuntime,
  type PushSourceRuntimeOptions,
  type RunningPushSource,
  type RunningSource,
  type SourceHealth,
  type SourceRuntimeOptions,
} from './source-runtime.ts';
export type { BackoffPolicy } from './backoff.ts';
export { readSourceState } from './checkpoints.ts';
export { topicNames, type TopicNames } from '../../../../core/topics.ts';
export type { Bus } from '../../../../core/bus/types.ts';
export type { Db } from '../../../../core/store/db.ts';
export { generateSigningKeyPem, signingKeyFromPem, type SigningKey } from '../../../../core/signing.ts';
// The source dead letter's message: the gateway's dead-letter view reads what the runtime writes.
export { parseSourceDeadLetter, type SourceDeadLetter } from './source-dead-letter-message.ts';
