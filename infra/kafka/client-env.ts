/**
 * Kafka client security for tools and tests (the kernel's part is core/bus/security.ts): handing
 * a secured cluster's settings on to a child process, and the same security in KafkaJS's terms.
 */
import type { KafkaSecurity } from '../../core/bus/security.ts';

/** The variables of a KafkaSecurity, to hand the same security on to a child process. */
export const KAFKA_SECURITY_VARIABLES = [
  'RELAIS_KAFKA_SECURITY',
  'RELAIS_KAFKA_CA_FILE',
  'RELAIS_KAFKA_USERNAME',
  'RELAIS_KAFKA_PASSWORD',
  'RELAIS_KAFKA_PASSWORD_FILE',
] as const;

/** The security variables set in `env`, alone. */
export function kafkaSecurityVariables(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(KAFKA_SECURITY_VARIABLES.flatMap((name) => (env[name] === undefined ? [] : [[name, env[name]]])));
}

/**
 * The variables that give a child process `security` (the quick start, the test runner, the
 * fault suite). With a password file, the password itself stays out of the child's environment.
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

/** The same security in KafkaJS's terms (the bench's client comparison, the fault suite's poison producer). */
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
