/** The bus factory: the one place that picks the Kafka client (ADR 0002). */
import type { Logger } from '../logger.ts';
import { createPlatformaticBus } from './platformatic-bus.ts';
import { kafkaSecurityFromEnv, type KafkaSecurity } from './security.ts';
import type { Bus } from './types.ts';

export { clientConnection, kafkaSecurityFromEnv, kafkaSecurityOf, PLAINTEXT, type KafkaSecurity } from './security.ts';
export type { Bus, IncomingMessage, OutgoingMessage, Subscription, TopicSpec } from './types.ts';

/**
 * Without `security`, the clients follow the environment (RELAIS_KAFKA_SECURITY and its
 * companions): tools, the bench and tests then reach a secured broker with no code of their own.
 */
export function createBus(options: { brokers: string[]; clientId: string; logger: Logger; security?: KafkaSecurity }): Bus {
  return createPlatformaticBus({ ...options, security: options.security ?? kafkaSecurityFromEnv() });
}
