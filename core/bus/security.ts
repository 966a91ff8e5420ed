/**
 * How every Kafka client of Relais connects: TLS with the operator's CA and SASL/SCRAM-SHA-512
 * as one principal per component, or plaintext when a setting asks for it (a throwaway test
 * broker). Every client — the bus, the operations' view, the CLI, the bench, the fault suite —
 * takes its connection options from clientConnection() below, so none can forget one half.
 * Which principal may do what is the broker's business (ACLs, docs/security.md).
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { readSetting, type RelaisConfig } from '../config.ts';
import type { Env } from '../settings.ts';
import { RelaisError } from '../errors.ts';

export type KafkaSecurity =
  | { protocol: 'plaintext' }
  | {
      protocol: 'sasl_ssl';
      /** PEM of the CA the brokers' certificates chain to; undefined: the system's trusted CAs. */
      ca?: string;
      username: string;
      password: string;
    };

export const PLAINTEXT: KafkaSecurity = { protocol: 'plaintext' };

/** The part of a @platformatic/kafka client's options that depends on security. */
export interface ClientConnection {
  tls?: ConnectionOptions;
  sasl?: { mechanism: 'SCRAM-SHA-512'; username: string; password: string };
}

export function clientConnection(security: KafkaSecurity): ClientConnection {
  if (security.protocol === 'plaintext') return {};
  return {
    // The broker's certificate is always verified; a CA file replaces the system's roots.
    tls: { rejectUnauthorized: true, ...(security.ca === undefined ? {} : { ca: security.ca }) },
    sasl: { mechanism: 'SCRAM-SHA-512', username: security.username, password: security.password },
  };
}

/**
 * The same security in KafkaJS's terms, for the tools that drive KafkaJS directly (the bench's
 * client comparison, the fault suite's poison producer). Structural, so core needs no KafkaJS.
 */
export function kafkajsConnection(security: KafkaSecurity): {
  ssl?: { ca?: string[]; rejectUnauthorized: true };
  sasl?: { mechanism: 'scram-sha-512'; username: string; password: string };
} {
  if (security.protocol === 'plaintext') return {};
  return {
    ssl: { rejectUnauthorized: true, ...(security.ca === undefined ? {} : { ca: [security.ca] }) },
    sasl: { mechanism: 'scram-sha-512', username: security.username, password: security.password },
  };
}

type SecuritySettings = Pick<RelaisConfig, 'kafkaSecurity' | 'kafkaCaFile' | 'kafkaUsername' | 'kafkaPassword'>;

/** The security of a process's clients from its settings; CONFIG_INVALID names what is missing. */
export function kafkaSecurityOf(config: SecuritySettings): KafkaSecurity {
  if (config.kafkaSecurity === 'plaintext') return PLAINTEXT;
  const missing = [
    config.kafkaUsername === undefined ? 'RELAIS_KAFKA_USERNAME' : undefined,
    config.kafkaPassword === undefined ? 'RELAIS_KAFKA_PASSWORD (or RELAIS_KAFKA_PASSWORD_FILE)' : undefined,
  ].filter((name) => name !== undefined);
  if (missing.length > 0) {
    throw new RelaisError('CONFIG_INVALID', `RELAIS_KAFKA_SECURITY=sasl_ssl needs ${missing.join(' and ')}`);
  }
  let ca: string | undefined;
  if (config.kafkaCaFile !== undefined) {
    try {
      ca = readFileSync(config.kafkaCaFile, 'utf8');
    } catch (error) {
      throw new RelaisError('CONFIG_INVALID', `RELAIS_KAFKA_CA_FILE=${config.kafkaCaFile}: ${(error as Error).message}`, { cause: error });
    }
  }
  return { protocol: 'sasl_ssl', ...(ca === undefined ? {} : { ca }), username: config.kafkaUsername!, password: config.kafkaPassword! };
}

/**
 * The variables that give a child process the same security (the quick start, the fault suite).
 * With a password file, the password itself stays out of the child's environment.
 */
export function kafkaSecurityEnv(security: KafkaSecurity, files: { caFile?: string; passwordFile?: string } = {}): Record<string, string> {
  if (security.protocol === 'plaintext') return { RELAIS_KAFKA_SECURITY: 'plaintext' };
  return {
    RELAIS_KAFKA_SECURITY: 'sasl_ssl',
    RELAIS_KAFKA_USERNAME: security.username,
    ...(files.passwordFile === undefined
      ? { RELAIS_KAFKA_PASSWORD: security.password }
      : { RELAIS_KAFKA_PASSWORD_FILE: files.passwordFile }),
    ...(files.caFile === undefined ? {} : { RELAIS_KAFKA_CA_FILE: files.caFile }),
  };
}

/** The security set by the environment (RELAIS_KAFKA_SECURITY and its companions): tools and tests. */
export function kafkaSecurityFromEnv(env: Env = process.env): KafkaSecurity {
  return kafkaSecurityOf({
    kafkaSecurity: readSetting('kafkaSecurity', env),
    kafkaCaFile: readSetting('kafkaCaFile', env),
    kafkaUsername: readSetting('kafkaUsername', env),
    kafkaPassword: readSetting('kafkaPassword', env),
  });
}

/** The variables of KafkaSecurity, to hand the same security on to a child process. */
export const KAFKA_SECURITY_VARIABLES = [
  'RELAIS_KAFKA_SECURITY',
  'RELAIS_KAFKA_CA_FILE',
  'RELAIS_KAFKA_USERNAME',
  'RELAIS_KAFKA_PASSWORD',
  'RELAIS_KAFKA_PASSWORD_FILE',
] as const;

/** The security variables set in `env`, alone. */
export function kafkaSecurityVariables(env: Env = process.env): Record<string, string> {
  return Object.fromEntries(KAFKA_SECURITY_VARIABLES.flatMap((name) => (env[name] === undefined ? [] : [[name, env[name]]])));
}
