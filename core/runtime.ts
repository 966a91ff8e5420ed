/**
 * What every Relais process starts from: validated configuration, logger, state store (migrated), bus, flows and topic
 * names. Process entry points (gateway, router, connectors, the quick start) build one and add their own parts.
 */
import { join, resolve } from 'node:path';
import { createBus, kafkaSecurityOf } from './bus/index.ts';
import type { Bus } from './bus/types.ts';
import { type ConnectorSettings, loadConfiguration, loadConnectorSettings, type RelaisConfig, type SettingsOwner } from './config.ts';
import { RelaisError } from './errors.ts';
import { createLogger, setLogSalt, type LogDestination, type Logger } from './logger.ts';
import { metricsOfProcess, type RelaisMetrics } from './metrics.ts';
import { loadFlows, type Flows } from './flows/flows.ts';
import { openStore, type Db } from './store/db.ts';
import { migrate } from './store/migrate.ts';
import { topicNames, type TopicNames } from './topics.ts';
import { initTracing } from './tracing/spans.ts';

export interface Runtime {
  config: RelaisConfig;
  /** Each loaded connector's own settings, by kind (validated with the kernel's at start). */
  connectorSettings: ConnectorSettings;
  logger: Logger;
  db: Db;
  bus: Bus;
  flows: () => Flows;
  topics: TopicNames;
  /** The process's Prometheus registry (core/metrics.ts). */
  metrics: RelaisMetrics;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  component: string;
  config?: RelaisConfig;
  /** The environment to read (default process.env): the kernel's settings unless `config` is given, and the connectors'. */
  env?: Record<string, string | undefined>;
  /** The connectors (connectors/loader.ts): the kinds the flows may name, checked at load, and the settings tables to read. */
  connectors?: readonly SettingsOwner[];
  /** An already open store (the quick start shares one PGlite among components). */
  db?: Db;
  /** Another registry than the process's (tests that count from zero). */
  metrics?: RelaisMetrics;
  /** Where logs go (default stdout); tests capture them to check what they hold. */
  logDestination?: LogDestination;
}

export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const env = options.env ?? process.env;
  const connectors = options.connectors ?? [];
  const { config, connectorSettings } = options.config
    ? { config: options.config, connectorSettings: loadConnectorSettings(env, connectors) }
    : loadConfiguration(env, connectors);
  setLogSalt(config.logSalt);
  const logger = createLogger({
    component: options.component,
    level: config.logLevel,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  if (!config.kafkaBrokers) {
    throw new RelaisError('CONFIG_INVALID', 'KAFKA_BROKERS is not set (the quick start `npm start` launches a local broker and sets it)');
  }
  const flows = loadFlows(resolve(config.flowsDir), options.connectors ? { connectors: connectors.map((c) => c.kind) } : {});
  const db =
    options.db ??
    (await openStore({
      databaseUrl: config.databaseUrl,
      timeoutMs: config.storeTimeoutMs,
      pgliteDir: join(resolve(config.dataDir), 'pglite'),
    }));
  if (!options.db) await migrate(db);
  const tracing = await initTracing({
    endpoint: config.otlpEndpoint,
    serviceName: config.serviceName ?? (options.component === 'relais' ? 'relais' : `relais-${options.component}`),
  });
  const bus = createBus({
    brokers: config.kafkaBrokers,
    clientId: `${config.kafkaClientId}-${options.component}`,
    logger,
    security: kafkaSecurityOf(config),
  });
  return {
    config,
    connectorSettings,
    logger,
    db,
    bus,
    flows: () => flows,
    topics: topicNames(config.topicPrefix),
    metrics: options.metrics ?? metricsOfProcess(),
    async close() {
      await bus.close();
      if (!options.db) await db.close();
      await tracing.shutdown();
    },
  };
}
