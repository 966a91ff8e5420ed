/**
 * The kernel's and the runtime's configuration, from environment variables declared once in
 * `settings` below (the machinery is core/settings.ts). Connectors declare their own settings in
 * their folder; loadConfiguration() validates the kernel's table and every registered
 * connector's together, so every problem is reported at once, naming the variable.
 */
import { RelaisError } from './errors.ts';
import {
  type Env,
  httpUrl,
  integer,
  invalidConfiguration,
  list,
  oneOf,
  parseSetting,
  parseSettings,
  postgresUrl,
  resolveSecretFiles,
  secretVariables,
  type Parser,
  type SettingValues,
  type SettingsTable,
  text,
} from './settings.ts';

const brokerList: Parser<string[]> = list((broker) => {
  if (!/^[^\s:]+:\d{1,5}$/.test(broker)) throw new Error(`"${broker}" is not host:port`);
  return broker;
}, 'host:port[,host:port…]');

const topicPrefix: Parser<string> = (raw) => {
  if (!/^[a-zA-Z0-9._-]{1,100}$/.test(raw)) throw new Error('expected letters, digits, ".", "_" or "-"');
  return raw;
};

/** `system=ms,…`: per-system patience (RELAIS_SINK_PATIENCE_BY_SYSTEM). */
const patiences: Parser<Record<string, number>> = (raw) => {
  const ms = integer(1, 30 * 86_400_000);
  const pairs = list((pair) => {
    const [system, value] = pair.split('=');
    if (!system?.trim() || value === undefined) throw new Error('expected system=ms pairs, comma-separated');
    return [system.trim(), ms(value)] as const;
  }, 'system=ms pairs')(raw);
  return Object.fromEntries(pairs);
};

export const settings = {
  port: { env: 'PORT', default: '8080', parse: integer(0, 65535), description: 'HTTP port of the gateway (0 picks a free port).' },
  consolePort: {
    env: 'RELAIS_CONSOLE_PORT',
    default: '8070',
    parse: integer(0, 65535),
    description: 'HTTP port of the agent console in the quick start (0 picks a free port).',
  },
  citizenPort: {
    env: 'RELAIS_CITIZEN_PORT',
    default: '8060',
    parse: integer(0, 65535),
    description: 'HTTP port of the citizen space in the quick start (0 picks a free port).',
  },
  host: { env: 'HOST', default: '127.0.0.1', parse: text, description: 'Interface the gateway binds to (0.0.0.0 in containers).' },
  databaseUrl: {
    env: 'DATABASE_URL',
    parse: postgresUrl,
    secret: true,
    description: 'PostgreSQL connection URL. When unset, an embedded PostgreSQL (PGlite) stores data under RELAIS_DATA_DIR.',
  },
  storeTimeoutMs: {
    env: 'RELAIS_STORE_TIMEOUT_MS',
    default: '3000',
    parse: integer(500, 600_000),
    description:
      'Longest wait on PostgreSQL: to connect, for a statement (statement_timeout) and, one second more, for any answer; past it the call fails as STORE_UNAVAILABLE (the gateway answers 503).',
  },
  opsPort: {
    env: 'RELAIS_OPS_PORT',
    default: '9464',
    parse: integer(0, 65535),
    description:
      'Port of the operations listener (GET /metrics, /healthz, /readyz with reasons) of every process: gateway, router, connectors, the quick start. Expose it on the operations network only. Give each process on one host its own (0 picks a free port, logged at start).',
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
  kafkaSecurity: {
    env: 'RELAIS_KAFKA_SECURITY',
    default: 'plaintext',
    parse: oneOf('plaintext', 'sasl_ssl'),
    description:
      'How clients connect to Kafka: `sasl_ssl` (TLS, SASL/SCRAM-SHA-512 as RELAIS_KAFKA_USERNAME; docs/security.md) or `plaintext` (a throwaway local broker only).',
  },
  kafkaLocalSecurity: {
    env: 'RELAIS_KAFKA_LOCAL_SECURITY',
    default: 'sasl_ssl',
    parse: oneOf('plaintext', 'sasl_ssl'),
    description:
      'Security of the local broker the quick start (KAFKA_BROKERS unset) and `relais kafka start` launch: `sasl_ssl` (TLS, SCRAM users, ACLs; its CA and credentials under .relais/kafka) or `plaintext`.',
  },
  kafkaCaFile: {
    env: 'RELAIS_KAFKA_CA_FILE',
    parse: text,
    description: "PEM file of the CA that signed the brokers' certificates (sasl_ssl; unset: the system's trusted CAs).",
  },
  kafkaUsername: {
    env: 'RELAIS_KAFKA_USERNAME',
    parse: text,
    description: "This process's SCRAM principal (sasl_ssl): one per component, each with only its own ACLs (docs/security.md).",
  },
  kafkaPassword: {
    env: 'RELAIS_KAFKA_PASSWORD',
    parse: text,
    secret: true,
    description: 'The SCRAM password of RELAIS_KAFKA_USERNAME (sasl_ssl).',
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
  rightsFile: {
    env: 'RELAIS_RIGHTS_FILE',
    parse: text,
    description: 'The rights file: who may originate, name and read what (default rights.yaml in RELAIS_FLOWS_DIR; docs/security.md).',
  },
  rateLimitPerMinute: {
    env: 'RELAIS_RATE_LIMIT_PER_MINUTE',
    default: '6000',
    parse: integer(1, 10_000_000),
    description: 'Requests per minute one credential (or, without one, one address) may make to the gateway; over it: 429.',
  },
  oidcIssuer: {
    env: 'RELAIS_OIDC_ISSUER',
    parse: httpUrl,
    description:
      'Issuer of the JWT access tokens the gateway accepts (ProConnect, the local provider of the quick start); unset: static tokens only.',
  },
  oidcAudience: {
    env: 'RELAIS_OIDC_AUDIENCE',
    default: 'relais-api',
    parse: text,
    description: 'The audience (`aud`) a JWT access token must carry for the gateway.',
  },
  oidcJwksUrl: {
    env: 'RELAIS_OIDC_JWKS_URL',
    parse: httpUrl,
    description: "The provider's JWKS (default: `jwks_uri` of the issuer's discovery document).",
  },
  oidcRolesClaim: {
    env: 'RELAIS_OIDC_ROLES_CLAIM',
    default: 'roles',
    parse: text,
    description: "The access token's claim holding an agent's roles (roles of the rights file).",
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
  groupCommitMax: {
    env: 'RELAIS_GROUP_COMMIT_MAX',
    default: '256',
    parse: integer(0, 10_000),
    description:
      'Most changes the gateway writes in one transaction (group commit, ADR 0034); 0 writes each in its own. 16 × this many may wait behind a group; more are refused (503 `gateway-overloaded`, ADR 0047).',
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
  sinkPatienceMs: {
    env: 'RELAIS_SINK_PATIENCE_MS',
    default: '21600000',
    parse: integer(1, 30 * 86_400_000),
    description:
      "How long a system's silo may be unavailable (its circuit open: deliveries wait) before failing deliveries are dead-lettered; default 6 hours.",
  },
  sinkPatienceBySystem: {
    env: 'RELAIS_SINK_PATIENCE_BY_SYSTEM',
    parse: patiences,
    description: 'The patience of some systems, overriding RELAIS_SINK_PATIENCE_MS: `system=ms,…` (`tax=86400000,email=3600000`).',
  },
  sinkCircuitThreshold: {
    env: 'RELAIS_SINK_CIRCUIT_THRESHOLD',
    default: '5',
    parse: integer(1, 1000),
    description: 'Retriable failures in a row, across deliveries, that tell a silo is down (its circuit opens, its deliveries wait).',
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
  connectorModules: {
    env: 'RELAIS_CONNECTORS',
    parse: list(text, 'module[,module…]'),
    description:
      'Connectors to load besides the ones Relais ships (connectors/registry.ts), comma-separated: npm package names, or paths to a module relative to the working directory. Each module exports its ConnectorDefinition as default.',
  },
  keysDir: {
    env: 'RELAIS_KEYS_DIR',
    parse: text,
    description:
      'Directory of the development signing keys (`<signer>.pem`, Ed25519), generated at first start when the keys below are unset (default `<RELAIS_DATA_DIR>/keys`); the gateway then trusts every key there.',
  },
  auditKey: {
    env: 'RELAIS_AUDIT_KEY',
    parse: text,
    secret: true,
    description: "The instance's Ed25519 private key (PKCS#8 PEM) that signs the audit log's checkpoints (gateway).",
  },
  receiptKey: {
    env: 'RELAIS_RECEIPT_KEY',
    parse: text,
    secret: true,
    description: "A router or connector process's Ed25519 private key (PKCS#8 PEM) that signs its receipts (one key per system).",
  },
  jwksFile: {
    env: 'RELAIS_JWKS_FILE',
    parse: text,
    description:
      "JWKS file of the public keys the gateway trusts and publishes at /.well-known/jwks.json: the audit key and each signer's receipt keys (read again when an unknown key id arrives, for rotations).",
  },
  auditCheckpointMs: {
    env: 'RELAIS_AUDIT_CHECKPOINT_MS',
    default: '5000',
    parse: integer(100, 3_600_000),
    description: "How often the gateway signs a checkpoint of the audit log's head (when entries were added since the last one).",
  },
  auditSealMs: {
    env: 'RELAIS_AUDIT_SEAL_MS',
    default: '200',
    parse: integer(20, 60_000),
    description:
      'How often the gateway links newly appended audit entries into the hash chain (until then `relais audit verify` counts them as pending).',
  },
  identityLinkScore: {
    env: 'RELAIS_IDENTITY_LINK_SCORE',
    default: '100',
    parse: integer(1, 100),
    description:
      "Score (0–100: birth name 35, given names 25, birth date 25, birth place 15) from which civil data's only plausible register candidate is linked without a person (identity/matching.ts, docs/adr/0025).",
  },
  identityReviewScore: {
    env: 'RELAIS_IDENTITY_REVIEW_SCORE',
    default: '85',
    parse: integer(1, 100),
    description:
      'Score from which a register candidate is plausible: below it, a candidate is ignored; several plausible ones, or one below RELAIS_IDENTITY_LINK_SCORE, hold the change for an identity review. At most RELAIS_IDENTITY_LINK_SCORE.',
  },
  sourceKillAfterPublish: {
    env: 'RELAIS_FAULT_SOURCE_KILL_AFTER_PUBLISH',
    parse: integer(1, 1_000_000),
    description:
      'Fault injection for crash tests, never in production: the connector process kills itself (SIGKILL) right after its Nth acknowledged source publish, before saving the checkpoint.',
  },
} satisfies SettingsTable;

export type RelaisConfig = SettingValues<typeof settings>;

/** What declares settings besides the kernel: a connector, by its kind. */
export interface SettingsOwner {
  kind: string;
  settings: SettingsTable;
}

/** Each connector's parsed settings, by kind. */
export type ConnectorSettings = ReadonlyMap<string, Readonly<Record<string, unknown>>>;

/** The variables of the kernel's `settings` that hold secrets (each also readable from `<VAR>_FILE`). */
export function secretEnvNames(): string[] {
  return secretVariables(settings);
}

/** Every table parsed from one environment; one CONFIG_INVALID error lists the problems of all. */
function loadTables(rawEnv: Env, tables: readonly SettingsTable[]): Record<string, unknown>[] {
  const { env, problems } = resolveSecretFiles(rawEnv, tables.flatMap(secretVariables));
  const values = tables.map((table) => {
    const parsed = parseSettings(table, env);
    problems.push(...parsed.problems);
    return parsed.values;
  });
  if (problems.length > 0) throw invalidConfiguration(problems);
  return values;
}

/** Reads and validates one kernel setting (a client such as the CLI needs a few, not the services' all); a secret may come from `<VAR>_FILE`. */
export function readSetting<K extends keyof typeof settings>(key: K, rawEnv: Env = process.env): RelaisConfig[K] {
  const setting = settings[key];
  const { env, problems } = resolveSecretFiles(rawEnv, secretVariables({ [key]: setting }));
  try {
    if (problems.length > 0) throw new Error(problems.join('; '));
    return parseSetting(setting, env) as RelaisConfig[K];
  } catch (error) {
    throw new RelaisError('CONFIG_INVALID', (error as Error).message);
  }
}

/** Reads and validates every kernel setting; throws one CONFIG_INVALID error listing all problems. */
export function loadConfig(rawEnv: Env = process.env): RelaisConfig {
  return loadTables(rawEnv, [settings])[0] as RelaisConfig;
}

/**
 * The kernel's settings and those of each connector, validated together: one CONFIG_INVALID
 * error lists every problem of every table, so a process refuses to start once, not once per fix.
 * `alsoCheck` are more tables validated with them, whose values the caller reads itself (the
 * quick start's simulators).
 */
export function loadConfiguration(
  rawEnv: Env,
  connectors: readonly SettingsOwner[],
  alsoCheck: readonly SettingsTable[] = [],
): { config: RelaisConfig; connectorSettings: ConnectorSettings } {
  const [config, ...perConnector] = loadTables(rawEnv, [settings, ...connectors.map((c) => c.settings), ...alsoCheck]);
  return {
    config: config as RelaisConfig,
    connectorSettings: new Map(connectors.map((c, i) => [c.kind, perConnector[i]!])),
  };
}

/** The connectors' settings alone (a process given its kernel configuration already). */
export function loadConnectorSettings(rawEnv: Env, connectors: readonly SettingsOwner[]): ConnectorSettings {
  const perConnector = loadTables(
    rawEnv,
    connectors.map((c) => c.settings),
  );
  return new Map(connectors.map((c, i) => [c.kind, perConnector[i]!]));
}
