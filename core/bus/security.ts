/**
 * How every Kafka client of Relais connects: TLS with the operator's CA and SASL/SCRAM-SHA-512
 * as its component's principal, or plaintext when a setting asks for it. Every client takes its
 * options from clientConnection(), so none can forget one half; which principal may do what is
 * the broker's business (ACLs, docs/security.md). Tools' helpers: infra/kafka/client-env.ts.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { readSetting, type RelaisConfig } from '../config.ts';
import type { Env } from '../settings.ts';
import { RelaisError } from '../errors.ts';

export type KafkaSecurity =
  | { protocol: 'plaintext' }
  /** `ca`: PEM of the brokers' CA; undefined: the system's trusted CAs. */
  | { protocol: 'sasl_ssl'; ca?: string; username: string; password: string };

export const PLAINTEXT: KafkaSecurity = { protocol: 'plaintext' };

/** The part of a @platformatic/kafka client's options that depends on security. */
export interface ClientConnection {
  tls?: ConnectionOptions;
  sasl?: { mechanism: 'SCRAM-SHA-512'; username: string; password: string };
}

export function clientConnection(security: KafkaSecurity): ClientConnection {
  if (security.protocol === 'plaintext') return {};
  const { ca, username, password } = security;
  // The broker's certificate is always verified; a CA file replaces the system's roots.
  return {
    tls: { rejectUnauthorized: true, ...(ca === undefined ? {} : { ca }) },
    sasl: { mechanism: 'SCRAM-SHA-512', username, password },
  };
}

type SecuritySettings = Pick<RelaisConfig, 'kafkaSecurity' | 'kafkaCaFile' | 'kafkaUsername' | 'kafkaPassword'>;

/** The security of a process's clients from its settings; CONFIG_INVALID names what is missing. */
export function kafkaSecurityOf({ kafkaSecurity, kafkaCaFile, kafkaUsername, kafkaPassword }: SecuritySettings): KafkaSecurity {
  if (kafkaSecurity === 'plaintext') return PLAINTEXT;
  if (kafkaUsername === undefined || kafkaPassword === undefined) {
    throw new RelaisError('CONFIG_INVALID', 'RELAIS_KAFKA_SECURITY=sasl_ssl needs RELAIS_KAFKA_USERNAME and RELAIS_KAFKA_PASSWORD(_FILE)');
  }
  try {
    const ca = kafkaCaFile === undefined ? {} : { ca: readFileSync(kafkaCaFile, 'utf8') };
    return { protocol: 'sasl_ssl', ...ca, username: kafkaUsername, password: kafkaPassword };
  } catch (error) {
    throw new RelaisError('CONFIG_INVALID', `RELAIS_KAFKA_CA_FILE=${kafkaCaFile}: ${(error as Error).message}`, { cause: error });
  }
}

/** The security the environment sets (RELAIS_KAFKA_SECURITY and its companions): tools and tests. */
export function kafkaSecurityFromEnv(env: Env = process.env): KafkaSecurity {
  const names = ['kafkaSecurity', 'kafkaCaFile', 'kafkaUsername', 'kafkaPassword'] as const;
  return kafkaSecurityOf(Object.fromEntries(names.map((name) => [name, readSetting(name, env)])) as SecuritySettings);
}
