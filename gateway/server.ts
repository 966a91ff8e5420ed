/**
 * The gateway process's parts: the HTTP API, the outbox relay and the receipts consumer,
 * started on a shared runtime and stopped in the reverse order.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { IdentityResolver } from '../core/identity/civil-identity.ts';
import type { Runtime } from '../core/runtime.ts';
import { consumerGroups, ensureTopics } from '../core/topics.ts';
import { checkReadiness, groupCheck, kafkaCheck, sourcesCheck, storeCheck, type Check } from '../core/health.ts';
import { watchGroup } from '../core/metrics.ts';
import { subscribedSystems } from '../core/flows/plan.ts';
import { createApp } from './app.ts';
import type { GatewayDeps } from './deps.ts';
import { Authenticator, devCredential, loadCredentials, type Credential } from './auth.ts';
import { OutboxRelay } from './outbox-relay.ts';
import { startReceiptsConsumer } from './receipts-consumer.ts';
import { startServiceRequestUpdates } from './service-request-updates.ts';

export interface RunningGateway {
  url: string;
  port: number;
  relay: OutboxRelay;
  close(): Promise<void>;
}

export function gatewayCredentials(runtime: Runtime, devToken?: string): Credential[] {
  const credentials: Credential[] = runtime.config.tokensFile ? loadCredentials(runtime.config.tokensFile) : [];
  const token = devToken ?? runtime.config.devToken;
  if (token) credentials.push(devCredential(token));
  return credentials;
}

/**
 * What the gateway's readiness covers: the store and Kafka (required), the outbox relay, and
 * whether the router and each subscribed system's connector run somewhere (seen from Kafka).
 */
function gatewayChecks(runtime: Runtime, relay: OutboxRelay): Check[] {
  const { bus, db, config } = runtime;
  const groups = consumerGroups(config.topicPrefix);
  return [
    storeCheck(db),
    kafkaCheck(bus),
    {
      name: 'outbox',
      required: false,
      run: async () =>
        relay.stats.consecutiveFailures > 0
          ? `cannot publish (${relay.stats.consecutiveFailures} failed rounds): ${relay.stats.lastError ?? ''}`
          : undefined,
    },
    groupCheck(bus, 'router', groups.router, 'router'),
    sourcesCheck(db),
    ...subscribedSystems(runtime.flows()).map((system) =>
      groupCheck(bus, `connector:${system}`, groups.sink(system), `${system} connector`),
    ),
  ];
}

export interface GatewayOptions {
  devToken?: string;
  port?: number;
  /** The register that resolves citizens named by civil data (connectors/host.ts identityResolverFor). */
  identityResolver?: IdentityResolver | undefined;
}

/**
 * The relay creates the topics before its first publish, retrying while Kafka is down: the
 * gateway starts and accepts changes without Kafka (they wait in the outbox).
 */
function startRelay(runtime: Runtime): OutboxRelay {
  const { config, logger, db, bus, metrics } = runtime;
  const relay = new OutboxRelay({
    db,
    bus,
    logger,
    batchSize: config.outboxBatchSize,
    pollMs: config.outboxPollMs,
    leaseMs: config.outboxLeaseMs,
    prepare: () => ensureTopics(bus, config, subscribedSystems(runtime.flows())),
    metrics: { published: (count) => metrics.outboxPublished.inc(count) },
  });
  relay.start();
  metrics.watched.outbox = () => relay.backlog();
  return relay;
}

/** The receipts consumer and the service requests' updates; closed together. */
async function startConsumers(runtime: Runtime): Promise<{ close(): Promise<void> }> {
  const { config, logger, db, bus, topics, metrics } = runtime;
  const groups = consumerGroups(config.topicPrefix);
  watchGroup(metrics, bus, groups.receipts, [topics.receipts]);
  const receipts = await startReceiptsConsumer({
    bus,
    db,
    topics,
    groupId: groups.receipts,
    logger,
    metrics: {
      received: (system, status) => metrics.receipts.inc({ system, status }),
      firstApplied: (system, seconds) => metrics.timeToApplied.observe({ system }, seconds),
    },
  });
  const requestUpdates = await startServiceRequestUpdates({ bus, db, topics, groupId: groups.serviceRequests, logger });
  return {
    async close() {
      await requestUpdates.close();
      await receipts.close();
    },
  };
}

/** The HTTP side's dependencies (deps.ts), from the runtime. */
function gatewayDeps(runtime: Runtime, relay: OutboxRelay, options: GatewayOptions): GatewayDeps {
  const { config, logger, db, bus, topics, metrics } = runtime;
  const groups = consumerGroups(config.topicPrefix);
  return {
    db,
    flows: runtime.flows,
    topics,
    auth: new Authenticator(gatewayCredentials(runtime, options.devToken)),
    logger,
    maxBodyBytes: config.maxBodyBytes,
    onChangeAccepted: () => relay.nudge(),
    metrics,
    bus,
    connectorGroup: groups.sink,
    dlqReaderGroup: groups.dlqReader,
    readiness: () => checkReadiness(gatewayChecks(runtime, relay)),
    identityResolver: options.identityResolver,
    ...(options.identityResolver?.timeoutMs ? { identityTimeoutMs: options.identityResolver.timeoutMs * 2 } : {}),
  };
}

export async function startGateway(runtime: Runtime, options: GatewayOptions = {}): Promise<RunningGateway> {
  const { config, logger } = runtime;
  const relay = startRelay(runtime);
  const consumers = await startConsumers(runtime);
  const server: Server = createApp(gatewayDeps(runtime, relay, options)).listen(options.port ?? config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  logger.info({ port, host: config.host }, 'gateway listening');
  return {
    url: `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`,
    port,
    relay,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await consumers.close();
      await relay.stop();
    },
  };
}
