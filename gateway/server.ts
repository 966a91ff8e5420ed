/**
 * The gateway process's parts: the HTTP API, the outbox relay and the receipts consumer,
 * started on a shared runtime and stopped in the reverse order.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Runtime } from '../core/runtime.ts';
import { ensureTopics } from '../core/topics.ts';
import { subscribedSystems } from '../core/routing/plan.ts';
import { createApp } from './app.ts';
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

export async function startGateway(runtime: Runtime, options: { devToken?: string; port?: number } = {}): Promise<RunningGateway> {
  const { config, logger, db, bus, topics } = runtime;
  // The relay creates the topics before its first publish, retrying while Kafka is down: the
  // gateway starts and accepts changes without Kafka (they wait in the outbox).
  const relay = new OutboxRelay({
    db,
    bus,
    logger,
    batchSize: config.outboxBatchSize,
    pollMs: config.outboxPollMs,
    leaseMs: config.outboxLeaseMs,
    prepare: () => ensureTopics(bus, config, subscribedSystems(runtime.flows())),
  });
  relay.start();
  const receipts = await startReceiptsConsumer({ bus, db, topics, groupId: `${config.topicPrefix}-gateway-receipts`, logger });
  const requestUpdates = await startServiceRequestUpdates({ bus, db, topics, groupId: `${config.topicPrefix}-gateway-service-requests`, logger });
  const app = createApp({
    db,
    flows: runtime.flows,
    topics,
    auth: new Authenticator(gatewayCredentials(runtime, options.devToken)),
    logger,
    maxBodyBytes: config.maxBodyBytes,
    onChangeAccepted: () => relay.nudge(),
    status: () => ({ outbox: relay.stats.lastError && relay.stats.failures > 0 ? `failing: ${relay.stats.lastError}` : 'ok' }),
  });
  const server: Server = app.listen(options.port ?? config.port, config.host);
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
      await requestUpdates.close();
      await receipts.close();
      await relay.stop();
    },
  };
}
