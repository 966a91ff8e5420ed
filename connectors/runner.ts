/**
 * Starts the sink connector of a system declared in the flows: finds its kind in the registry,
 * builds the sink, and hands it to the runtime (core/connector/sink-runner.ts).
 */
import { startSinkRunner, type RunningSink } from '../core/connector/sink-runner.ts';
import { RelaisError } from '../core/errors.ts';
import { sinkMetricsHooks, watchGroup } from '../core/metrics.ts';
import type { Runtime } from '../core/runtime.ts';
import { consumerGroups, ensureTopics } from '../core/topics.ts';
import { connectors } from './registry.ts';

export async function startConnector(runtime: Runtime, system: string): Promise<RunningSink> {
  const declared = runtime.flows().systems.get(system);
  if (!declared) throw new RelaisError('CONFIG_INVALID', `system "${system}" is not declared in the flows`);
  const definition = connectors.get(declared.connector);
  if (!definition?.createSink) throw new RelaisError('CONFIG_INVALID', `connector "${declared.connector}" has no sink`);
  const { config, logger } = runtime;
  await ensureTopics(runtime.bus, config, [system]);
  const sink = await definition.createSink({ system, config, logger: logger.child({ system }) });
  const groupId = consumerGroups(config.topicPrefix).sink(system);
  watchGroup(runtime.metrics, runtime.bus, groupId, [runtime.topics.delivery(system)]);
  return startSinkRunner({
    system,
    sink,
    bus: runtime.bus,
    db: runtime.db,
    topics: runtime.topics,
    groupId,
    retry: { maxAttempts: config.sinkMaxAttempts, baseMs: config.sinkBackoffMs, maxMs: config.sinkBackoffMaxMs },
    timeoutMs: config.sinkTimeoutMs,
    concurrency: config.sinkConcurrency,
    logger: logger.child({ system }),
    metrics: sinkMetricsHooks(runtime.metrics),
  });
}
