/**
 * @relais/connector-kit/runtime — the runtimes that run a connector: they own Kafka consumption,
 * per-citizen ordering, retries, dead letters, receipts, checkpoints and shutdown. The Relais
 * connector host (connectors/host.ts) hands a connector's parts to them.
 */
export { startSinkRuntime, type RunningSink, type SinkRuntimeOptions } from './sink-runtime.ts';
export {
  killAfterPublish,
  startPushSourceRuntime,
  startSourceRuntime,
  type RunningSource,
  type SourceHealth,
  type SourceRuntimeOptions,
} from './source-runtime.ts';
export { readSourceState } from './checkpoints.ts';
