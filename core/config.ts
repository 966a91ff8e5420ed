/**
 * Configuration from environment variables, declared once in `settings` below: each entry has
 * its variable, default, parser and description, so validation, types and the configuration
 * reference (docs/configuration.md) all derive from one table. Every problem is reported at
 * once, naming the variable, instead of failing on the first.
 */
import { readFileSync } from 'node:fs';
import { RelaisError } from './errors.ts';

type Parser<T> = (raw: string) => T;

export interface Setting<T> {
  env: string;
  description: string;
  /** Undefined means optional with no value; a string is parsed like a set variable. */
  default?: string;
  parse: Parser<T>;
  /**
   * Secrets are never echoed back in errors or docs, and may instead be read from a file named
   * by `<env>_FILE` (a container secret under /run/secrets), so they stay out of images and of
   * the process environment.
   */
  secret?: boolean;
}

function integer(min: number, max: number): Parser<number> {
  return (raw) => {
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new Error(`expected an integer from ${min} to ${max}`);
    }
    return value;
  };
}

const text: Parser<string> = (raw) => {
  if (raw.trim() === '') throw new Error('expected a non-empty value');
  return raw.trim();
};

function oneOf<const T extends string>(...values: T[]): Parser<T> {
  return (raw) => {
    if (!(values as string[]).includes(raw)) throw new Error(`expected one of ${values.join(', ')}`);
    return raw as T;
  };
}

const brokerList: Parser<string[]> = (raw) => {
  const brokers = raw
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  for (const broker of brokers) {
    if (!/^[^\s:]+:\d{1,5}$/.test(broker)) throw new Error(`"${broker}" is not host:port`);
  }
  if (brokers.length === 0) throw new Error('expected host:port[,host:port…]');
  return brokers;
};

const postgresUrl: Parser<string> = (raw) => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error('expected a postgres:// URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new Error('expected a postgres:// URL');
  return raw;
};

const httpUrl: Parser<string> = (raw) => {
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw new Error('expected an http(s):// URL');
  }
  return raw.replace(/\/$/, '');
};

const sqlUrl: Parser<string> = (raw) => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error('expected a mariadb://, mysql:// or postgres:// URL');
  }
  if (!['mariadb:', 'mysql:', 'postgres:', 'postgresql:'].includes(url.protocol))
    throw new Error('expected a mariadb://, mysql:// or postgres:// URL');
  return raw;
};

const smtpUrl: Parser<string> = (raw) => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error('expected an smtp:// or smtps:// URL');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new Error('expected an smtp:// or smtps:// URL');
  return raw;
};

const topicPrefix: Parser<string> = (raw) => {
  if (!/^[a-zA-Z0-9._-]{1,100}$/.test(raw)) throw new Error('expected letters, digits, ".", "_" or "-"');
  return raw;
};

export const settings = {
  port: { env: 'PORT', default: '8080', parse: integer(0, 65535), description: 'HTTP port of the gateway (0 picks a free port).' },
  host: { env: 'HOST', default: '127.0.0.1', parse: text, description: 'Interface the gateway binds to (0.0.0.0 in containers).' },
  databaseUrl: {
    env: 'DATABASE_URL',
    parse: postgresUrl,
    secret: true,
    description: 'PostgreSQL connection URL. When unset, an embedded PostgreSQL (PGlite) stores data under RELAIS_DATA_DIR.',
  },
  opsPort: {
    env: 'RELAIS_OPS_PORT',
    default: '9464',
    parse: integer(0, 65535),
    description:
      'Port of the operations listener (GET /metrics, /healthz, /readyz) of the router and connector processes; the gateway serves them on PORT. Give each process on one host its own (0 picks a free port, logged at start).',
  },
  dataDir: {
    env: 'RELAIS_DATA_DIR',
    default: '.relais',
    parse: text,
    description:
      "Directory for embedded state: PGlite, the simulators' data, the generated dev credential (the local broker keeps its data under .relais/kafka).",
  },
  kafkaBrokers: {
    env: 'KAFKA_BROKERS',
    parse: brokerList,
    description: 'Bootstrap servers of an existing Kafka cluster. When unset, the quick start launches a local broker.',
  },
  kafkaPort: {
    env: 'RELAIS_KAFKA_PORT',
    default: '9092',
    parse: integer(1, 65535),
    description: 'Client port of the local broker started when KAFKA_BROKERS is unset.',
  },
  kafkaVersion: {
    env: 'RELAIS_KAFKA_VERSION',
    default: '3.9.1',
    parse: text,
    description: 'Apache Kafka version of the local broker (3.9.x or 4.1.x).',
  },
  kafkaClientId: { env: 'RELAIS_KAFKA_CLIENT_ID', default: 'relais', parse: text, description: 'Kafka client id prefix.' },
  topicPrefix: {
    env: 'RELAIS_TOPIC_PREFIX',
    default: 'relais',
    parse: topicPrefix,
    description: 'Prefix of every topic (relais.events, relais.delivery.<system>, …).',
  },
  topicPartitions: {
    env: 'RELAIS_TOPIC_PARTITIONS',
    default: '3',
    parse: integer(1, 1000),
    description: 'Partitions of each topic Relais creates.',
  },
  topicReplication: {
    env: 'RELAIS_TOPIC_REPLICATION',
    default: '1',
    parse: integer(1, 10),
    description: 'Replication factor of each topic Relais creates (3 in production).',
  },
  topicMinInsyncReplicas: {
    env: 'RELAIS_TOPIC_MIN_ISR',
    default: '1',
    parse: integer(1, 10),
    description: 'min.insync.replicas of each topic (2 in production).',
  },
  flowsDir: { env: 'RELAIS_FLOWS_DIR', default: 'flows', parse: text, description: 'Directory of the flow files (*.yaml).' },
  devToken: {
    env: 'RELAIS_DEV_TOKEN',
    parse: text,
    secret: true,
    description: 'A development bearer credential with every scope. The quick start generates one when unset.',
  },
  gatewayUrl: {
    env: 'RELAIS_GATEWAY_URL',
    default: 'http://127.0.0.1:8080',
    parse: httpUrl,
    description: 'The gateway the `relais` CLI talks to (changes, dlq, systems); `--url` overrides it.',
  },
  token: {
    env: 'RELAIS_TOKEN',
    parse: text,
    secret: true,
    description:
      "The bearer credential the `relais` CLI sends to the gateway (`--token` overrides it; unset: RELAIS_DEV_TOKEN, then the quick start's generated one).",
  },
  tokensFile: {
    env: 'RELAIS_TOKENS_FILE',
    parse: text,
    description: 'YAML file of API credentials (sha256 of the token, caller name, scopes, optional system).',
  },
  otlpEndpoint: {
    env: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    parse: httpUrl,
    description: 'OTLP/HTTP collector base URL (spans go to <url>/v1/traces). Tracing is off when unset.',
  },
  serviceName: { env: 'OTEL_SERVICE_NAME', parse: text, description: 'service.name of exported spans (default relais-<component>).' },
  logLevel: {
    env: 'LOG_LEVEL',
    default: 'info',
    parse: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
    description: 'Log level.',
  },
  logSalt: {
    env: 'RELAIS_LOG_SALT',
    default: 'relais',
    parse: text,
    secret: true,
    description: 'Salt of the hashes that stand for identifiers in logs.',
  },
  maxBodyBytes: {
    env: 'RELAIS_MAX_BODY_BYTES',
    default: '65536',
    parse: integer(1024, 10_485_760),
    description: 'Largest accepted request body.',
  },
  outboxBatchSize: {
    env: 'RELAIS_OUTBOX_BATCH',
    default: '500',
    parse: integer(1, 10_000),
    description: 'Outbox rows published per batch.',
  },
  outboxPollMs: {
    env: 'RELAIS_OUTBOX_POLL_MS',
    default: '200',
    parse: integer(10, 60_000),
    description: 'Outbox relay idle poll interval.',
  },
  outboxLeaseMs: {
    env: 'RELAIS_OUTBOX_LEASE_MS',
    default: '15000',
    parse: integer(1000, 600_000),
    description: 'How long one relay instance holds the publishing lease before another may take over.',
  },
  sinkMaxAttempts: {
    env: 'RELAIS_SINK_MAX_ATTEMPTS',
    default: '6',
    parse: integer(1, 100),
    description: 'Attempts per delivery before it is dead-lettered.',
  },
  sinkBackoffMs: {
    env: 'RELAIS_SINK_BACKOFF_MS',
    default: '250',
    parse: integer(1, 600_000),
    description: 'First retry delay; doubles each attempt (with jitter).',
  },
  sinkBackoffMaxMs: {
    env: 'RELAIS_SINK_BACKOFF_MAX_MS',
    default: '15000',
    parse: integer(1, 3_600_000),
    description: 'Longest retry delay.',
  },
  sinkConcurrency: {
    env: 'RELAIS_SINK_CONCURRENCY',
    default: '8',
    parse: integer(1, 256),
    description: "Citizens whose deliveries a connector applies side by side (each citizen's stay in order).",
  },
  sinkTimeoutMs: {
    env: 'RELAIS_SINK_TIMEOUT_MS',
    default: '5000',
    parse: integer(10, 600_000),
    description: 'Time limit of one apply attempt.',
  },
  sourcePollMs: {
    env: 'RELAIS_SOURCE_POLL_MS',
    default: '1000',
    parse: integer(10, 3_600_000),
    description: 'How long a source connector waits between two polls when the last one found nothing new.',
  },
  sourceBackoffMs: {
    env: 'RELAIS_SOURCE_BACKOFF_MS',
    default: '500',
    parse: integer(1, 600_000),
    description: 'First wait after a failed poll or publish; doubles each consecutive failure (with jitter).',
  },
  sourceBackoffMaxMs: {
    env: 'RELAIS_SOURCE_BACKOFF_MAX_MS',
    default: '30000',
    parse: integer(1, 3_600_000),
    description: 'Longest wait between two attempts of a failing source.',
  },
  sourceTimeoutMs: {
    env: 'RELAIS_SOURCE_TIMEOUT_MS',
    default: '15000',
    parse: integer(10, 600_000),
    description: 'Time limit of one poll (its signal aborts, and the poll counts as failed).',
  },
  sourceKillAfterPublish: {
    env: 'RELAIS_FAULT_SOURCE_KILL_AFTER_PUBLISH',
    parse: integer(1, 1_000_000),
    description:
      'Fault injection for crash tests, never in production: the connector process kills itself (SIGKILL) right after its Nth acknowledged source publish, before saving the checkpoint.',
  },
  civilRegistryUrl: {
    env: 'CIVIL_REGISTRY_URL',
    default: 'http://127.0.0.1:8082/registre',
    parse: httpUrl,
    description: 'SOAP endpoint of the civil registry (its WSDL is this URL with ?wsdl).',
  },
  civilRegistryUsername: {
    env: 'CIVIL_REGISTRY_USERNAME',
    default: 'relais',
    parse: text,
    description: 'WS-Security UsernameToken user name sent to the civil registry.',
  },
  civilRegistryPassword: {
    env: 'CIVIL_REGISTRY_PASSWORD',
    parse: text,
    secret: true,
    description:
      'WS-Security UsernameToken password (sent as a PasswordDigest). The quick start generates one for its simulator when unset.',
  },
  civilRegistryPageSize: {
    env: 'CIVIL_REGISTRY_PAGE_SIZE',
    default: '50',
    parse: integer(1, 200),
    description: 'Life events asked for per poll of the civil registry.',
  },
  civilRegistryTimeoutMs: {
    env: 'CIVIL_REGISTRY_TIMEOUT_MS',
    default: '5000',
    parse: integer(100, 120_000),
    description: 'Time limit of one SOAP call to the civil registry (identity searches from the gateway, person reads).',
  },
  civilRegistryPort: {
    env: 'CIVIL_REGISTRY_PORT',
    default: '8082',
    parse: integer(0, 65535),
    description: 'Port of the civil-registry simulator started by the quick start.',
  },
  socialServicesUrl: {
    env: 'SOCIAL_SERVICES_URL',
    default: 'http://127.0.0.1:8081',
    parse: httpUrl,
    description: 'Base URL of the social-services REST API.',
  },
  socialServicesApiKey: {
    env: 'SOCIAL_SERVICES_API_KEY',
    parse: text,
    secret: true,
    description: 'API key sent to the social-services API (X-Api-Key).',
  },
  socialServicesWebhookSecret: {
    env: 'SOCIAL_SERVICES_WEBHOOK_SECRET',
    parse: text,
    secret: true,
    description:
      'Shared secret of the signed webhooks social services send for changes recorded at their desk (HMAC-SHA256). Unset: the connector does not receive them. The quick start generates one.',
  },
  socialServicesWebhookPort: {
    env: 'SOCIAL_SERVICES_WEBHOOK_PORT',
    default: '8091',
    parse: integer(0, 65535),
    description: "Port of the social-services connector's webhook receiver (POST /webhooks/social-services).",
  },
  socialServicesWebhookHost: {
    env: 'SOCIAL_SERVICES_WEBHOOK_HOST',
    default: '127.0.0.1',
    parse: text,
    description: 'Interface the webhook receiver binds to (0.0.0.0 in containers).',
  },
  socialServicesWebhookToleranceS: {
    env: 'SOCIAL_SERVICES_WEBHOOK_TOLERANCE_S',
    default: '300',
    parse: integer(10, 3600),
    description: "How old (or far in the future) a webhook's signed timestamp may be before it is refused.",
  },
  socialServicesPort: {
    env: 'SOCIAL_SERVICES_PORT',
    default: '8081',
    parse: integer(0, 65535),
    description: 'Port of the social-services simulator.',
  },
  schoolCateringUrl: {
    env: 'SCHOOL_CATERING_URL',
    default: 'http://127.0.0.1:8084',
    parse: httpUrl,
    description: 'Base URL of the school-catering and nursery billing REST API.',
  },
  schoolCateringToken: {
    env: 'SCHOOL_CATERING_TOKEN',
    parse: text,
    secret: true,
    description: 'Bearer token sent to the school-catering API (Authorization header); unset: none sent.',
  },
  schoolCateringPort: {
    env: 'SCHOOL_CATERING_PORT',
    default: '8084',
    parse: integer(0, 65535),
    description: 'Port of the school-catering simulator started by the quick start.',
  },
  taxSftpHost: { env: 'TAX_SFTP_HOST', default: '127.0.0.1', parse: text, description: "Host of the tax office's SFTP server." },
  taxSftpPort: {
    env: 'TAX_SFTP_PORT',
    default: '2222',
    parse: integer(0, 65535),
    description: "Port of the tax office's SFTP server (the quick start's simulator listens there; 0 picks a free port).",
  },
  taxSftpUser: { env: 'TAX_SFTP_USER', default: 'relais', parse: text, description: 'SFTP login at the tax office.' },
  taxSftpDir: {
    env: 'TAX_SFTP_DIR',
    default: '/',
    parse: text,
    description: 'Directory on the SFTP server that holds inbox/, outbox/ and changes/.',
  },
  taxSftpKeyFile: {
    env: 'TAX_SFTP_KEY_FILE',
    parse: text,
    description: 'Private key file of the SFTP login (the quick start generates one under RELAIS_DATA_DIR/silos/tax).',
  },
  taxSftpHostKey: {
    env: 'TAX_SFTP_HOST_KEY',
    parse: text,
    description:
      "SHA256 fingerprint of the tax office's host key (`SHA256:…`, as `ssh-keygen -lf` prints it); when set, any other host key is refused.",
  },
  taxBatchMaxRecords: {
    env: 'RELAIS_TAX_BATCH_MAX_RECORDS',
    default: '5000',
    parse: integer(1, 1_000_000),
    description: 'A tax batch file is sent when it holds this many changes…',
  },
  taxBatchMaxAgeMs: {
    env: 'RELAIS_TAX_BATCH_MAX_AGE_MS',
    default: '3600000',
    parse: integer(10, 604_800_000),
    description: '…or when its oldest change has waited this long.',
  },
  taxAckPollMs: {
    env: 'RELAIS_TAX_ACK_POLL_MS',
    default: '10000',
    parse: integer(10, 3_600_000),
    description: 'How often the tax connector looks for acknowledgement files.',
  },
  taxAckDeadlineMs: {
    env: 'RELAIS_TAX_ACK_DEADLINE_MS',
    default: '172800000',
    parse: integer(100, 2_592_000_000),
    description: 'A batch file with no acknowledgement this long after its upload is dead-lettered (with an error log: the alert).',
  },
  taxUploadTimeoutMs: {
    env: 'RELAIS_TAX_UPLOAD_TIMEOUT_MS',
    default: '300000',
    parse: integer(100, 3_600_000),
    description: 'Time limit of one batch upload attempt.',
  },
  taxChangesPageSize: {
    env: 'RELAIS_TAX_CHANGES_PAGE',
    default: '500',
    parse: integer(1, 100_000),
    description: 'Records of a tax change file published per poll (a large file is published in pages).',
  },
  wasteManagementDatabaseUrl: {
    env: 'WASTE_MANAGEMENT_DATABASE_URL',
    default: 'postgres://postgres@127.0.0.1:5433/postgres',
    parse: sqlUrl,
    secret: true,
    description:
      "The waste-management software's database (mariadb://, mysql:// or postgres://); the default is the quick start's simulator.",
  },
  wasteManagementPollBatch: {
    env: 'WASTE_MANAGEMENT_POLL_BATCH',
    default: '200',
    parse: integer(1, 10_000),
    description: 'Incidents read per poll by the waste-management source.',
  },
  wasteManagementSettleMs: {
    env: 'WASTE_MANAGEMENT_SETTLE_MS',
    default: '1000',
    parse: integer(0, 600_000),
    description:
      "Incidents changed more recently than this are left for a later poll (must exceed the vendor software's longest write transaction).",
  },
  wasteManagementPort: {
    env: 'WASTE_MANAGEMENT_PORT',
    default: '8083',
    parse: integer(0, 65535),
    description: "Port of the waste-management simulator's agent desk (HTTP).",
  },
  wasteManagementDbPort: {
    env: 'WASTE_MANAGEMENT_DB_PORT',
    default: '5433',
    parse: integer(0, 65535),
    description: "Port of the waste-management simulator's embedded database (PostgreSQL protocol).",
  },
  emailSmtpUrl: {
    env: 'EMAIL_SMTP_URL',
    default: 'smtp://127.0.0.1:2525',
    parse: smtpUrl,
    secret: true,
    description:
      "SMTP server of the email connector (smtp:// or smtps://, credentials in the URL); the default is the quick start's mailbox.",
  },
  emailFrom: {
    env: 'EMAIL_FROM',
    default: 'Relais <ne-pas-repondre@relais.example>',
    parse: text,
    description: 'Sender of the notifications to citizens.',
  },
  mailboxPort: {
    env: 'MAILBOX_SMTP_PORT',
    default: '2525',
    parse: integer(0, 65535),
    description: "Port of the quick start's local mailbox (an SMTP server keeping what it receives under RELAIS_DATA_DIR).",
  },
} satisfies Record<string, Setting<unknown>>;

type Settings = typeof settings;
type ValueOf<S> = S extends Setting<infer T> ? T : never;
export type RelaisConfig = {
  [K in keyof Settings]: Settings[K] extends { default: string } ? ValueOf<Settings[K]> : ValueOf<Settings[K]> | undefined;
};

type Env = Record<string, string | undefined>;

/**
 * The environment with every secret given as `<VAR>_FILE` read into `<VAR>` (the file's content,
 * trailing newlines removed). Setting both is a mistake, as is a file that cannot be read; each
 * is one problem naming the variable. `secretVariables` defaults to the secrets of `settings`.
 */
export function resolveSecretFiles(env: Env, secretVariables: readonly string[] = secretEnvNames()): { env: Env; problems: string[] } {
  const resolved: Env = { ...env };
  const problems: string[] = [];
  for (const name of secretVariables) {
    const file = env[`${name}_FILE`];
    if (file === undefined || file === '') continue;
    if (env[name] !== undefined && env[name] !== '') {
      problems.push(`${name}_FILE: ${name} is set too; set one of them`);
      continue;
    }
    try {
      resolved[name] = readFileSync(file, 'utf8').replace(/[\r\n]+$/, '');
    } catch (error) {
      problems.push(
        `${name}_FILE=${JSON.stringify(file)}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
    }
  }
  return { env: resolved, problems };
}

/** The variables of `settings` that hold secrets (each also readable from `<VAR>_FILE`). */
export function secretEnvNames(): string[] {
  return (Object.values(settings) as Setting<unknown>[]).filter((s) => s.secret).map((s) => s.env);
}

/** One setting's value from the environment (its default when unset); throws a one-line reason. */
function parseSetting(setting: Setting<unknown>, env: Env): unknown {
  const raw = env[setting.env];
  const value = raw === undefined || raw === '' ? setting.default : raw;
  if (value === undefined) return undefined;
  try {
    return setting.parse(value);
  } catch (error) {
    throw new Error(`${setting.env}=${setting.secret ? '(hidden)' : JSON.stringify(value)}: ${(error as Error).message}`, { cause: error });
  }
}

/** Reads and validates one setting (a client such as the CLI needs a few, not the services' all); a secret may come from `<VAR>_FILE`. */
export function readSetting<K extends keyof Settings>(key: K, rawEnv: Env = process.env): RelaisConfig[K] {
  const setting = settings[key] as Setting<unknown>;
  const { env, problems } = resolveSecretFiles(rawEnv, setting.secret ? [setting.env] : []);
  try {
    if (problems.length > 0) throw new Error(problems.join('; '));
    return parseSetting(setting, env) as RelaisConfig[K];
  } catch (error) {
    throw new RelaisError('CONFIG_INVALID', (error as Error).message);
  }
}

/** Reads and validates every setting; throws one CONFIG_INVALID error listing all problems. */
export function loadConfig(rawEnv: Env = process.env): RelaisConfig {
  const { env, problems } = resolveSecretFiles(rawEnv);
  const config: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(settings) as [string, Setting<unknown>][]) {
    try {
      config[key] = parseSetting(setting, env);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length > 0) {
    throw new RelaisError('CONFIG_INVALID', `invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return config as RelaisConfig;
}
