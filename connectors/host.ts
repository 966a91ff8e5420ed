/**
 * Starts the connector of a system declared in the flows: finds its kind among the loaded
 * connectors (connectors/loader.ts), gives it its own settings, and
 * hands what it offers to the runtime — its sink to packages/connector-kit/src/runtime/sink-runtime.ts, its polled
 * source and/or push source to packages/connector-kit/src/runtime/source-runtime.ts. A connector with both runs
 * both in one process; stop() stops them in reverse order.
 */
import type { ConnectorDefinition, FileLister } from '@relais/connector-kit';
import { signingKeyOf } from '../core/keys.ts';
import {
  killAfterPublish,
  type SourceHealth,
  startPushSourceRuntime,
  startSinkRuntime,
  startSourceRuntime,
} from '@relais/connector-kit/runtime';
import { RelaisError } from '../core/errors.ts';
import { sinkMetricsHooks, sourceMetricsHooks, watchGroup } from '../core/metrics.ts';
import type { IdentityResolver } from '../identity/civil-identity.ts';
import type { Flows } from '../core/flows/flows.ts';
import { subscribedSystems } from '../core/flows/plan.ts';
import type { Runtime } from '../core/runtime.ts';
import { consumerGroups, ensureTopicsOnceKafkaAnswers } from '../core/topics.ts';
import type { ConnectorRegistry } from './loader.ts';
import { citizenKeysFromEnv } from '../privacy/keys-from-env.ts';
import { erasedSkippedCounter } from '../privacy/metrics.ts';

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

function definitionOf(runtime: Runtime, connectors: ConnectorRegistry, system: string): ConnectorDefinition {
  const declared = runtime.flows().systems.get(system);
  if (!declared) throw new RelaisError('CONFIG_INVALID', `system "${system}" is not declared in the flows`);
  const definition = connectors.get(declared.connector);
  if (!definition) throw new RelaisError('CONFIG_INVALID', `connector "${declared.connector}" is not registered`);
  if (!definition.createSink && !definition.createSource && !definition.createPushSource) {
    throw new RelaisError('CONFIG_INVALID', `connector "${declared.connector}" has neither a sink nor a source`);
  }
  return definition;
}

/** The context the connector's factories get: its system, its own settings, a logger naming the system. */
function contextOf(runtime: Runtime, definition: ConnectorDefinition, system: string) {
  const settings = runtime.connectorSettings.get(definition.kind);
  if (!settings) throw new RelaisError('CONFIG_INVALID', `connector "${definition.kind}": its settings were not loaded with the runtime's`);
  return { system, settings, logger: runtime.logger.child({ system }) };
}

/**
 * The identity resolver of the register (the first system in the flows, by name, whose connector
 * offers one), for the gateway: it resolves citizens named by civil data. Undefined when no
 * connected system offers one (the gateway then refuses civil data with a 422).
 */
export function identityResolverFor(runtime: Runtime, connectors: ConnectorRegistry): IdentityResolver | undefined {
  for (const [system, declared] of [...runtime.flows().systems.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const definition = connectors.get(declared.connector);
    if (definition?.createIdentityResolver) return definition.createIdentityResolver(contextOf(runtime, definition, system));
  }
  return undefined;
}

/**
 * The file lister of `system`'s connector, for `relais identities import <system> --from-silo`;
 * undefined when its connector cannot list the silo's files (createFileLister is optional).
 */
export async function fileListerFor(runtime: Runtime, connectors: ConnectorRegistry, system: string): Promise<FileLister | undefined> {
  const declared = runtime.flows().systems.get(system);
  const definition = declared ? connectors.get(declared.connector) : undefined;
  if (!definition?.createFileLister) return undefined;
  return definition.createFileLister(contextOf(runtime, definition, system));
}

/** The systems whose connector has something to run: a sink some route delivers to, or a source. */
export function runnableSystems(flows: Flows, connectors: ConnectorRegistry): string[] {
  const subscribed = new Set(subscribedSystems(flows));
  return [...flows.systems.entries()]
    .filter(([system, declared]) => {
      const definition = connectors.get(declared.connector);
      if (!definition) return false;
      return (
        (definition.createSink !== undefined && subscribed.has(system)) ||
        definition.createSource !== undefined ||
        definition.createPushSource !== undefined
      );
    })
    .map(([system]) => system)
    .sort();
}

export async function startConnector(
  runtime: Runtime,
  connectors: ConnectorRegistry,
  system: string,
  citizenKeys = citizenKeysFromEnv(process.env),
): Promise<RunningConnector> {
  const definition = definitionOf(runtime, connectors, system);
  const { config, bus, db, topics } = runtime;
  const context = contextOf(runtime, definition, system);
  const { logger } = context;
  await ensureTopicsOnceKafkaAnswers(bus, config, [system], logger);
  const parts: Part[] = [];
  const stop = async (): Promise<void> => {
    for (const part of parts.reverse()) await part.stop();
    parts.length = 0;
  };
  const publisher = { system, bus, db, topics, flows: runtime.flows, logger, metrics: sourceMetricsHooks(runtime.metrics), citizenKeys };
  const erased = erasedSkippedCounter(runtime.metrics.registry);
  let sourceHealth: RunningConnector['sourceHealth'];
  try {
    if (definition.createSink) {
      const sinkGroup = consumerGroups(config.topicPrefix).sink(system);
      watchGroup(runtime.metrics, bus, sinkGroup, [topics.delivery(system)]);
      parts.push(
        await startSinkRuntime({
          system,
          sink: await definition.createSink(context),
          bus,
          db,
          topics,
          groupId: sinkGroup,
          retry: { maxAttempts: config.sinkMaxAttempts, baseMs: config.sinkBackoffMs, maxMs: config.sinkBackoffMaxMs },
          timeoutMs: config.sinkTimeoutMs,
          concurrency: config.sinkConcurrency,
          circuit: {
            threshold: config.sinkCircuitThreshold,
            patienceMs: config.sinkPatienceBySystem?.[system] ?? config.sinkPatienceMs,
          },
          logger,
          metrics: sinkMetricsHooks(runtime.metrics),
          receiptKey: signingKeyOf(config, system, 'receiptKey'),
          citizenKeys,
          erased: (count) => erased(system, count),
        }),
      );
    }
    if (definition.createSource) {
      const source = startSourceRuntime({
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
      const push = await startPushSourceRuntime({ ...publisher, create: (c) => definition.createPushSource!(c), context });
      if (push) parts.push(push);
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
