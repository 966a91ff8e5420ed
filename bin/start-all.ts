/**
 * The quick start in one function: a local Kafka broker (unless KAFKA_BROKERS is set), the
 * store (PGlite unless DATABASE_URL is set), the silo simulators, the connector of every
 * system with a subscribed sink or a source, the router and the gateway — all in this
 * process, sharing one store.
 * `relais start` calls it; the end-to-end tests call it too.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { connectorKinds } from '../connectors/registry.ts';
import { identityResolverFor, runnableSystems, startConnector, type RunningConnector } from '../connectors/host.ts';
import { loadConfig, type RelaisConfig } from '../core/config.ts';
import { startRouterOn } from '../router/router.ts';
import type { LogDestination } from '../core/logger.ts';
import { createRuntime } from '../core/runtime.ts';
import { openStore } from '../core/store/db.ts';
import { migrate } from '../core/store/migrate.ts';
import { startGateway } from '../gateway/server.ts';
import { linkDemoTaxpayer, startQuickStartTaxSilo } from './start-tax-silo.ts';
import { clusterDir, startKafka, stopKafkaAt, type KafkaCluster } from '../infra/kafka/kafka.ts';
import type { TaxSilo } from '../silos/tax/server.ts';
import { startMailbox, type Mailbox } from '../silos/email/mailbox.ts';
import { startWasteManagementSilo, type WasteSilo } from '../silos/waste-management/server.ts';
import { seedDemoIdentities } from './demo-identities.ts';
import { persistentSecret, startSilos } from './start-silos.ts';

/** The quick start's tax batch window (production's default is an hour). */
const QUICK_START_TAX_WINDOW_MS = 15_000;

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
  devToken: string;
  brokers: string;
  store: 'postgres' | 'pglite';
  siloUrls: Record<string, string>;
  /** The simulators started here, for tests and the banner: the waste database and desk, the mailbox. */
  silos: { waste: WasteSilo; tax: TaxSilo; mailbox?: Mailbox };
  stop(): Promise<void>;
}

function devToken(config: RelaisConfig, dataDir: string): string {
  // Generated once per data directory, so a restart keeps the credential the user copied.
  return config.devToken ?? persistentSecret(dataDir, 'dev-token', 'relais-dev-');
}

export async function startAll(options: StartAllOptions = {}): Promise<RunningRelais> {
  const say = options.say ?? (() => undefined);
  const env = options.env ?? process.env;
  const config = loadConfig(env);
  // A demo should show the tax office's answer within the minute, not after the hourly batch.
  if (env['RELAIS_TAX_BATCH_MAX_AGE_MS'] === undefined) config.taxBatchMaxAgeMs = QUICK_START_TAX_WINDOW_MS;
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
      kafka = await startKafka({ version: config.kafkaVersion, port: config.kafkaPort });
      stops.push(() => kafka!.stop());
      config.kafkaBrokers = kafka.brokers.split(',');
      say(`Kafka ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }

    const silos = await startSilos(config, dataDir);
    stops.push(() => silos.stop());
    const taxSilo: TaxSilo = await startQuickStartTaxSilo(config, dataDir);
    stops.push(() => taxSilo.close());

    // The waste-management software's database: embedded (PGlite over the PostgreSQL protocol,
    // seeded) unless WASTE_MANAGEMENT_DATABASE_URL names one; the agent desk in front of it.
    const env = options.env ?? process.env;
    const waste = await startWasteManagementSilo({
      port: config.wasteManagementPort,
      ...(env['WASTE_MANAGEMENT_DATABASE_URL']
        ? { databaseUrl: config.wasteManagementDatabaseUrl }
        : { dataDir: join(dataDir, 'silos', 'waste-management'), dbPort: config.wasteManagementDbPort, seed: true }),
    });
    stops.push(() => waste.close());
    config.wasteManagementDatabaseUrl = waste.databaseUrl;

    // Citizens' emails land in a local mailbox unless EMAIL_SMTP_URL names a real server.
    const mailbox = env['EMAIL_SMTP_URL']
      ? undefined
      : await startMailbox({ port: config.mailboxPort, dir: join(dataDir, 'silos', 'email') });
    if (mailbox) {
      stops.push(() => mailbox.close());
      config.emailSmtpUrl = mailbox.url;
    }

    const db = await openStore({ databaseUrl: config.databaseUrl, pgliteDir: join(dataDir, 'pglite') });
    stops.push(() => db.close());
    await migrate(db);
    await seedDemoIdentities(db);
    await linkDemoTaxpayer(db);
    const runtime = await createRuntime({
      component: 'relais',
      config,
      db,
      connectors: connectorKinds(),
      ...(options.logDestination ? { logDestination: options.logDestination } : {}),
    });
    stops.push(() => runtime.close());

    const running: RunningConnector[] = [];
    const except = typeof options.connectors === 'object' ? options.connectors.except : [];
    for (const system of options.connectors === false ? [] : runnableSystems(runtime.flows()).filter((s) => !except.includes(s))) {
      const connector = await startConnector(runtime, system);
      running.push(connector);
      stops.push(() => connector.stop());
    }
    const router = await startRouterOn(runtime);
    stops.push(() => router.stop());
    const token = devToken(config, dataDir);
    const gateway = await startGateway(runtime, { devToken: token, identityResolver: identityResolverFor(runtime) });
    stops.push(() => gateway.close());
    await Promise.all([router.ready, ...running.map((c) => c.ready)]);

    return {
      gatewayUrl: gateway.url,
      devToken: token,
      brokers: config.kafkaBrokers.join(','),
      store: db.kind,
      siloUrls: {
        ...silos.urls,
        tax: `sftp://${taxSilo.username}@${taxSilo.host}:${taxSilo.port}`,
        'waste-management': waste.url,
        ...(mailbox ? { email: mailbox.url } : {}),
      },
      silos: { waste, tax: taxSilo, ...(mailbox ? { mailbox } : {}) },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
