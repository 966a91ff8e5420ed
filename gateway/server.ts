/**
 * The gateway process's parts: the HTTP API, the outbox relay and the receipts consumer,
 * started on a shared runtime and stopped in the reverse order.
 */
import { invalidConfiguration, parseSettings } from '../core/settings.ts';
import { startRetentionPurge } from '../privacy/retention-schedule.ts';
import { retentionSettings } from '../privacy/retention-settings.ts';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { IdentityResolver } from '../identity/civil-identity.ts';
import type { Runtime } from '../core/runtime.ts';
import { consumerGroups, ensureTopics } from '../core/topics.ts';
import { checkReadiness, groupCheck, kafkaCheck, sourcesCheck, storeCheck, type Check } from '../core/health.ts';
import { watchGroup } from '../core/metrics.ts';
import { subscribedSystems } from '../core/flows/plan.ts';
import { createApp } from './app.ts';
import type { CitizenKeys } from '../privacy/citizen-keys.ts';
import { citizenKeysFromEnv } from '../privacy/keys-from-env.ts';
import type { GatewayDeps } from './deps.ts';
import { Authenticator, devCredential, eitherSource, loadCredentials, type CallerSource, type Credential } from './auth.ts';
import { oidcCallers } from './oidc.ts';
import { matchedCitizens } from './citizen-identity.ts';
import { boundToRights, checkCredentialSystems } from './rights/bind.ts';
import { loadRights, rightsFileOf, type Rights } from './rights/rights.ts';
import { OutboxRelay } from './outbox-relay.ts';
import { listenForOutbox } from './outbox-wake.ts';
import { ChangeGroups } from './changes/group-commit.ts';
import { startReceiptsConsumer } from './receipts-consumer.ts';
import { startServiceRequestUpdates } from './service-request-updates.ts';
import { publishedKeys, signingKeyOf } from '../core/keys.ts';
import { ReceiptVerifier } from './receipt-signatures.ts';
import type { PublicJwk } from '../core/signing.ts';
import { startCheckpointer } from '../proof/checkpoints.ts';
import { startOpsServer } from '../core/ops-server.ts';
import { matchThresholds } from '../identity/matching.ts';

export interface RunningGateway {
  url: string;
  port: number;
  /** The operations listener (RELAIS_OPS_PORT): /metrics, /healthz and /readyz with reasons. */
  opsUrl: string;
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
      // A round outliving two store timeouts and a publish is hung, not slow.
      run: async () => relay.trouble(2 * config.storeTimeoutMs + 5000),
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
  /** The operations listener's port (default RELAIS_OPS_PORT; 0 picks a free one). */
  opsPort?: number;
  /** The register that resolves citizens named by civil data (connectors/host.ts identityResolverFor). */
  identityResolver?: IdentityResolver | undefined;
  /** The citizens' data keys (default: from RELAIS_MASTER_KEY_FILE; none when unset: nothing sealed). */
  citizenKeys?: CitizenKeys | undefined;
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
async function startConsumers(
  runtime: Runtime,
  verifier: ReceiptVerifier,
  citizenKeys: CitizenKeys | undefined,
): Promise<{ close(): Promise<void> }> {
  const { config, logger, db, bus, topics, metrics } = runtime;
  const groups = consumerGroups(config.topicPrefix);
  watchGroup(metrics, bus, groups.receipts, [topics.receipts]);
  const receipts = await startReceiptsConsumer({
    bus,
    db,
    topics,
    groupId: groups.receipts,
    logger,
    verifier,
    flows: runtime.flows,
    citizenKeys,
    metrics: {
      received: (system, status) => metrics.receipts.inc({ system, status }),
      refused: (system, reason) => metrics.receiptsRefused.inc({ system, reason }),
      firstApplied: (system, seconds) => metrics.timeToApplied.observe({ system }, seconds),
    },
  });
  const requestUpdates = await startServiceRequestUpdates({ bus, db, topics, groupId: groups.serviceRequests, logger, citizenKeys });
  return {
    async close() {
      await requestUpdates.close();
      await receipts.close();
    },
  };
}

/** The retention purge on its schedule (docs/privacy.md), with its settings read from the environment. */
function startRetention(runtime: Runtime): { close(): Promise<void> } {
  const { values, problems } = parseSettings(retentionSettings, process.env);
  if (problems.length > 0) throw invalidConfiguration(problems);
  const { purgeIntervalMs, ...days } = values;
  const { metrics } = runtime;
  return startRetentionPurge({
    db: runtime.db,
    days,
    intervalMs: purgeIntervalMs,
    logger: runtime.logger,
    metrics: { purged: (dataClass, store, count) => metrics.retentionPurged.inc({ class: dataClass, store }, count) },
  });
}

/** Static tokens, then JWTs of the OpenID provider when one is configured. */
function callerSources(config: Runtime['config'], credentials: Credential[]): CallerSource {
  const tokens = new Authenticator(credentials);
  if (!config.oidcIssuer) return tokens;
  return eitherSource(
    tokens,
    oidcCallers({
      issuer: config.oidcIssuer,
      audience: config.oidcAudience,
      rolesClaim: config.oidcRolesClaim,
      ...(config.oidcJwksUrl ? { jwksUrl: config.oidcJwksUrl } : {}),
    }),
  );
}

/** The HTTP side's dependencies (deps.ts), from the runtime. */
function gatewayDeps(runtime: Runtime, relay: OutboxRelay, options: GatewayOptions, rights: Rights, keys: () => PublicJwk[]): GatewayDeps {
  const { config, logger, db, bus, topics, metrics } = runtime;
  const groups = consumerGroups(config.topicPrefix);
  const credentials = gatewayCredentials(runtime, options.devToken);
  checkCredentialSystems(rights, credentials);
  const deps: GatewayDeps = {
    db,
    flows: runtime.flows,
    topics,
    rights,
    auth: matchedCitizens(boundToRights(rights, callerSources(config, credentials)), {
      db,
      identityResolver: options.identityResolver,
      thresholds: matchThresholds(config.identityLinkScore, config.identityReviewScore),
      logger,
    }),
    logger,
    maxBodyBytes: config.maxBodyBytes,
    rateLimitPerMinute: config.rateLimitPerMinute,
    onChangeAccepted: () => relay.nudge(),
    metrics,
    bus,
    connectorGroup: groups.sink,
    dlqReaderGroup: groups.dlqReader,
    readiness: () => checkReadiness(gatewayChecks(runtime, relay)),
    identityResolver: options.identityResolver,
    publicKeys: keys,
    citizenKeys: options.citizenKeys,
    ...(options.identityResolver?.timeoutMs ? { identityTimeoutMs: options.identityResolver.timeoutMs * 2 } : {}),
    identityThresholds: matchThresholds(config.identityLinkScore, config.identityReviewScore),
  };
  if (config.groupCommitMax > 0) deps.changeGroups = new ChangeGroups(deps, config.groupCommitMax);
  return deps;
}

export async function startGateway(runtime: Runtime, given: GatewayOptions = {}): Promise<RunningGateway> {
  const { config, logger } = runtime;
  const options = { ...given, citizenKeys: given.citizenKeys ?? citizenKeysFromEnv(process.env) };
  // Checked before anything starts: a bad rights file stops the gateway with every problem.
  const rights = loadRights(rightsFileOf(config), runtime.flows());
  const relay = startRelay(runtime);
  const wake = config.databaseUrl
    ? listenForOutbox({ databaseUrl: config.databaseUrl, logger, onWake: () => relay.nudge(), timeoutMs: config.storeTimeoutMs })
    : undefined;
  const auditKey = signingKeyOf(config, 'audit', 'auditKey');
  const checkpointer = startCheckpointer({
    db: runtime.db,
    key: auditKey,
    intervalMs: config.auditCheckpointMs,
    sealMs: config.auditSealMs,
    logger,
  });
  const verifier = new ReceiptVerifier(() => publishedKeys(config));
  const consumers = await startConsumers(runtime, verifier, options.citizenKeys);
  const retention = startRetention(runtime);
  const server: Server = createApp(
    gatewayDeps(runtime, relay, options, rights, () => [
      auditKey.publicJwk,
      ...verifier.published().filter((key) => key.kid !== auditKey.kid),
    ]),
  ).listen(options.port ?? config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  // Metrics and the reasons of readiness name internals (hosts, errors, backlog): they are served
  // on the operations listener, for the operations network only, not on the public API port.
  const ops = await startOpsServer({
    port: options.opsPort ?? config.opsPort,
    host: config.host,
    metrics: runtime.metrics,
    checks: () => gatewayChecks(runtime, relay),
    logger,
  });
  logger.info({ port, host: config.host, opsPort: ops.port }, 'gateway listening');
  return {
    url: `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`,
    port,
    opsUrl: ops.url,
    relay,
    async close() {
      await ops.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await consumers.close();
      await wake?.stop();
      await retention.close();
      await relay.stop();
      await checkpointer.close();
    },
  };
}
