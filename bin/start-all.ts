/**
 * The quick start in one function: a local Kafka broker (unless KAFKA_BROKERS is set), the
 * store (PGlite unless DATABASE_URL is set), the silo simulators, the connector of every
 * system with a subscribed sink or a source, the router and the gateway — all in this
 * process, sharing one store.
 * `relais start` calls it; the end-to-end tests call it too.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConnectors } from '../connectors/loader.ts';
import { identityResolverFor, runnableSystems, startConnector, type RunningConnector } from '../connectors/host.ts';
import { loadConfiguration, type RelaisConfig } from '../core/config.ts';
import { startRouterOn } from '../router/router.ts';
import { citizenKeysFromEnv } from '../privacy/keys-from-env.ts';
import { ensureMasterKeyFile, MASTER_KEY_VARIABLE } from '../privacy/master-key.ts';
import type { LogDestination } from '../core/logger.ts';
import { createRuntime } from '../core/runtime.ts';
import { openStore, type Db } from '../core/store/db.ts';
import { migrate } from '../core/store/migrate.ts';
import { startGateway } from '../gateway/server.ts';
import { ADMIN_PRINCIPAL, componentPrincipals, grantComponents, type SystemOfBus } from '../infra/kafka/acls.ts';
import { clusterDir, startKafka, stopKafkaAt, type KafkaCluster } from '../infra/kafka/kafka.ts';
import { loadFlows } from '../core/flows/flows.ts';
import type { ConnectorRegistry } from '../connectors/loader.ts';
import { discoverSimulators, type BannerLines, type RunningSimulator } from '../silos/shared/simulators.ts';
import { CITIZEN_CLIENT, CONSOLE_CLIENT, demoAgents, demoCitizens, demoProviderOptions } from '../infra/oidc/demo.ts';
import { startLocalProvider } from '../infra/oidc/local-provider.ts';
import { seedDemoIdentities } from './demo-identities.ts';
import { overlay, persistentSecret, startSimulators } from './start-silos.ts';
import { citizenPortOf, citizenRedirectUri, startQuickStartCitizenSpace } from './start-citizen.ts';
import { consolePortOf, consoleRedirectUri, startQuickStartConsole } from './start-console.ts';

export interface StartAllOptions {
  env?: Record<string, string | undefined>;
  /** Called with a line to show the user (progress, not logs). */
  say?: (line: string) => void;
  /**
   * Run the connectors in this process (default true); false runs none, a list runs all but
   * those (tests run some in their own process).
   */
  connectors?: boolean | { except: string[] };
  /** Where the logs go (default stdout). */
  logDestination?: LogDestination;
}

export interface RunningRelais {
  gatewayUrl: string;
  /** The operations listener (RELAIS_OPS_PORT): /metrics, /healthz, /readyz with reasons. */
  opsUrl: string;
  devToken: string;
  brokers: string;
  store: 'postgres' | 'pglite';
  /** The store every process here shares (tests link identifiers in it, as an import would). */
  db: Db;
  siloUrls: Record<string, string>;
  /** The simulators started here, by name (their `instance`: the waste database, the tax office, the mailbox… for tests). */
  simulators: ReadonlyMap<string, RunningSimulator>;
  /** What the simulators told their connectors (URLs, credentials, keys): a connector started in another process needs it too. */
  connectorEnv: Record<string, string>;
  /** The simulators' banner lines (bin/banner.ts). */
  banner: BannerLines[];
  /** The local OpenID provider, when the quick start runs one (RELAIS_OIDC_ISSUER unset). */
  oidc?: {
    issuer: string;
    serviceClient: { id: string; secret: string };
    agents: { sub: string; roles: string[] }[];
    consoleClient: string;
    /** The demo citizens' logins (the citizen space's client). */
    citizens: string[];
    citizenClient: string;
  };
  /** The agent console (console/), when the local OpenID provider runs. */
  consoleUrl?: string;
  /** The citizen space (citizen/), when the local OpenID provider runs. */
  citizenUrl?: string;
  stop(): Promise<void>;
}

function devToken(config: RelaisConfig, dataDir: string): string {
  // Generated once per data directory, so a restart keeps the credential the user copied.
  return config.devToken ?? persistentSecret(dataDir, 'dev-token', 'relais-dev-');
}

/**
 * The local OpenID provider with the demo agents and service clients (infra/oidc/demo.ts); the
 * gateway then accepts its JWTs beside the static tokens. Secrets are kept in the data directory.
 */
async function startOidc(config: RelaisConfig, dataDir: string, ports: { console: number; citizen: number }) {
  const secrets = {
    socialServicesApp: persistentSecret(dataDir, 'oidc-social-services-app', 'relais-client-'),
    citizenPortal: persistentSecret(dataDir, 'oidc-citizen-portal', 'relais-client-'),
  };
  const provider = await startLocalProvider(
    demoProviderOptions(0, secrets, consoleRedirectUri(ports.console), citizenRedirectUri(ports.citizen)),
  );
  config.oidcIssuer = provider.issuer;
  return {
    close: () => provider.close(),
    info: {
      issuer: provider.issuer,
      serviceClient: { id: 'social-services-app', secret: secrets.socialServicesApp },
      agents: demoAgents.map((a) => ({ sub: a.sub, roles: a.roles })),
      consoleClient: CONSOLE_CLIENT,
      citizens: demoCitizens.map((c) => c.sub),
      citizenClient: CITIZEN_CLIENT,
    },
  };
}

/** The systems of the flows, and whether each one's connector publishes events of its own. */
function systemsOfBus(config: RelaisConfig, connectors: ConnectorRegistry): SystemOfBus[] {
  const flows = loadFlows(resolve(config.flowsDir));
  return [...flows.systems.entries()].map(([system, declared]) => {
    const definition = connectors.get(declared.connector);
    return { system, source: definition?.createSource !== undefined || definition?.createPushSource !== undefined };
  });
}

export async function startAll(options: StartAllOptions = {}): Promise<RunningRelais> {
  const say = options.say ?? (() => undefined);
  const env = options.env ?? process.env;
  const connectors = await loadConnectors(env);
  const simulators = await discoverSimulators();
  // Every invalid setting — the kernel's, a connector's or a simulator's — is reported at once, before anything starts.
  const { config } = loadConfiguration(
    env,
    connectors.definitions,
    simulators.map((s) => s.settings),
  );
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    for (const step of stops.reverse()) await step().catch(() => undefined);
    stops.length = 0;
  };

  try {
    let kafka: KafkaCluster | undefined;
    if (!config.kafkaBrokers) {
      const started = Date.now();
      say(`starting Apache Kafka ${config.kafkaVersion} on 127.0.0.1:${config.kafkaPort} (jars from Maven Central, first run only)…`);
      // A broker left running by a quick start that was killed outright would hold the port.
      const stale = await stopKafkaAt(clusterDir(config.kafkaVersion, config.kafkaPort));
      if (stale > 0) say(`stopped a Kafka broker left over by an earlier run`);
      const systems = systemsOfBus(config, connectors);
      kafka = await startKafka({
        version: config.kafkaVersion,
        port: config.kafkaPort,
        security: config.kafkaLocalSecurity,
        principals: componentPrincipals(systems),
      });
      stops.push(() => kafka!.stop());
      config.kafkaBrokers = kafka.brokers.split(',');
      // Every part runs in this one process, so it connects as the super user; the components'
      // principals and ACLs are ready for parts run as processes of their own (docs/security.md).
      await grantComponents(kafka, config.topicPrefix, systems);
      const admin = kafka.security.as(ADMIN_PRINCIPAL).security;
      if (admin.protocol === 'sasl_ssl') {
        Object.assign(config, {
          kafkaSecurity: 'sasl_ssl',
          kafkaCaFile: kafka.security.caFile,
          kafkaUsername: admin.username,
          kafkaPassword: admin.password,
        });
      }
      say(`Kafka ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }

    const silos = await startSimulators(simulators, env, dataDir);
    stops.push(() => silos.stop());

    const db = await openStore({ databaseUrl: config.databaseUrl, timeoutMs: config.storeTimeoutMs, pgliteDir: join(dataDir, 'pglite') });
    stops.push(() => db.close());
    await migrate(db);
    await seedDemoIdentities(db, simulators);
    const runtime = await createRuntime({
      component: 'relais',
      config,
      // The connectors read their settings where the simulators point them.
      env: overlay(env, silos.connectorEnv),
      db,
      connectors: connectors.definitions,
      ...(options.logDestination ? { logDestination: options.logDestination } : {}),
    });
    stops.push(() => runtime.close());

    // Personal data sealed with per-citizen keys, the master key generated here on first start (docs/adr/0032).
    const masterKeyFile = env[MASTER_KEY_VARIABLE] ?? ensureMasterKeyFile(join(dataDir, 'master.key'));
    const citizenKeys = citizenKeysFromEnv({ ...env, [MASTER_KEY_VARIABLE]: masterKeyFile });
    const running: RunningConnector[] = [];
    const except = typeof options.connectors === 'object' ? options.connectors.except : [];
    for (const system of options.connectors === false
      ? []
      : runnableSystems(runtime.flows(), connectors).filter((s) => !except.includes(s))) {
      const connector = await startConnector(runtime, connectors, system, citizenKeys);
      running.push(connector);
      stops.push(() => connector.stop());
    }
    const router = await startRouterOn(runtime, citizenKeys);
    stops.push(() => router.stop());
    const token = devToken(config, dataDir);
    const consolePort = await consolePortOf(env);
    const citizenPort = await citizenPortOf(env);
    const oidc = config.oidcIssuer ? undefined : await startOidc(config, dataDir, { console: consolePort, citizen: citizenPort });
    if (oidc) stops.push(() => oidc.close());
    const gateway = await startGateway(runtime, {
      devToken: token,
      identityResolver: identityResolverFor(runtime, connectors),
      citizenKeys,
    });
    stops.push(() => gateway.close());
    // The console logs agents in at the local provider; with an outside provider it is run on its own.
    const agentConsole = oidc
      ? await startQuickStartConsole({
          port: consolePort,
          gatewayUrl: gateway.url,
          issuer: oidc.info.issuer,
          clientId: oidc.info.consoleClient,
          systems: [...runtime.flows().systems.keys()].sort(),
        })
      : undefined;
    if (agentConsole) stops.push(() => agentConsole.close());
    // The citizen space, likewise: citizens log in at the local provider (FranceConnect in production).
    const citizenSpace = oidc
      ? await startQuickStartCitizenSpace({
          port: citizenPort,
          gatewayUrl: gateway.url,
          issuer: oidc.info.issuer,
          clientId: oidc.info.citizenClient,
        })
      : undefined;
    if (citizenSpace) stops.push(() => citizenSpace.close());
    await Promise.all([router.ready, ...running.map((c) => c.ready)]);

    return {
      gatewayUrl: gateway.url,
      opsUrl: gateway.opsUrl,
      devToken: token,
      brokers: config.kafkaBrokers.join(','),
      store: db.kind,
      db,
      siloUrls: silos.urls,
      simulators: silos.running,
      // A connector in its own process opens what this stack sealed: it needs the master key too.
      connectorEnv: { ...silos.connectorEnv, [MASTER_KEY_VARIABLE]: masterKeyFile },
      banner: silos.banner({ gatewayUrl: gateway.url, devToken: token }),
      ...(oidc ? { oidc: oidc.info } : {}),
      ...(agentConsole ? { consoleUrl: agentConsole.url } : {}),
      ...(citizenSpace ? { citizenUrl: citizenSpace.url } : {}),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
