/**
 * Starts the connector of a system declared in the flows: finds its kind in the registry and
 * hands what it offers to the runtime — its sink to core/connector/sink-runner.ts, its polled
 * source and/or push source to core/connector/source-runner.ts. A connector with both runs
 * both in one process; stop() stops them in reverse order.
 */
import type { ConnectorDefinition } from '../core/connector/contract.ts';
import { startSinkRunner } from '../core/connector/sink-runner.ts';
import { killAfterPublish, startPushSourceRunner, startSourceRunner, type SourceHealth } from '../core/connector/source-runner.ts';
import { RelaisError } from '../core/errors.ts';
import type { Flows } from '../core/routing/flows.ts';
import { subscribedSystems } from '../core/routing/plan.ts';
import type { Runtime } from '../core/runtime.ts';
import { ensureTopics } from '../core/topics.ts';
import { connectors } from './registry.ts';

export interface RunningConnector {
  ready: Promise<void>;
  /** The polled source's health, when the connector has one. */
  sourceHealth?: () => SourceHealth;
  stop(): Promise<void>;
}

interface Part {
  ready: Promise<void>;
  stop(): Promise<void>;
}

function definitionOf(runtime: Runtime, system: string): ConnectorDefinition {
  const declared = runtime.flows().systems.get(system);
  if (!declared) throw new RelaisError('CONFIG_INVALID', `system "${system}" is not declared in the flows`);
  const definition = connectors.get(declared.connector);
  if (!definition) throw new RelaisError('CONFIG_INVALID', `connector "${declared.connector}" is not registered`);
  if (!definition.createSink && !definition.createSource && !definition.createPushSource) {
    throw new RelaisError('CONFIG_INVALID', `connector "${declared.connector}" has neither a sink nor a source`);
  }
  return definition;
}

/** The systems whose connector has something to run: a sink some route delivers to, or a source. */
export function runnableSystems(flows: Flows): string[] {
  const subscribed = new Set(subscribedSystems(flows));
  return [...flows.systems.entries()]
    .filter(([system, declared]) => {
      const definition = connectors.get(declared.connector);
      if (!definition) return false;
      return (definition.createSink !== undefined && subscribed.has(system)) || definition.createSource !== undefined || definition.createPushSource !== undefined;
    })
    .map(([system]) => system)
    .sort();
}

export async function startConnector(runtime: Runtime, system: string): Promise<RunningConnector> {
  const definition = definitionOf(runtime, system);
  const { config, bus, db, topics } = runtime;
  const logger = runtime.logger.child({ system });
  const context = { system, config, logger };
  await ensureTopics(bus, config, [system]);
  const parts: Part[] = [];
  const stop = async (): Promise<void> => {
    for (const part of parts.reverse()) await part.stop();
    parts.length = 0;
  };
  const publisher = { system, bus, db, topics, flows: runtime.flows, logger };
  let sourceHealth: RunningConnector['sourceHealth'];
  try {
    if (definition.createSink) {
      parts.push(
        await startSinkRunner({
          system,
          sink: await definition.createSink(context),
          bus,
          db,
          topics,
          groupId: `${config.topicPrefix}-sink-${system}`,
          retry: { maxAttempts: config.sinkMaxAttempts, baseMs: config.sinkBackoffMs, maxMs: config.sinkBackoffMaxMs },
          timeoutMs: config.sinkTimeoutMs,
          concurrency: config.sinkConcurrency,
          logger,
        }),
      );
    }
    if (definition.createSource) {
      const source = startSourceRunner({
        ...publisher,
        source: await definition.createSource(context),
        pollMs: config.sourcePollMs,
        timeoutMs: config.sourceTimeoutMs,
        backoff: { baseMs: config.sourceBackoffMs, maxMs: config.sourceBackoffMaxMs },
        afterPublish: killAfterPublish(config.sourceKillAfterPublish, logger),
      });
      sourceHealth = () => source.health();
      parts.push(source);
    }
    if (definition.createPushSource) {
      parts.push(await startPushSourceRunner({ ...publisher, create: (push) => definition.createPushSource!(push), context }));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    ready: Promise.all(parts.map((p) => p.ready)).then(() => undefined),
    ...(sourceHealth ? { sourceHealth } : {}),
    stop,
  };
}
