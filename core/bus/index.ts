/** The bus factory: the one place that picks the Kafka client (ADR 0002). */
import type { Logger } from '../logger.ts';
import { createPlatformaticBus } from './platformatic-bus.ts';
import type { KafkaSecurity } from './security.ts';
import type { Bus } from './types.ts';

export { clientConnection, kafkaSecurityEnv, kafkaSecurityOf, PLAINTEXT, type KafkaSecurity } from './security.ts';
export type { Bus, IncomingMessage, OutgoingMessage, Subscription, TopicSpec } from './types.ts';

export function createBus(options: { brokers: string[]; clientId: string; logger: Logger; security?: KafkaSecurity }): Bus {
  return createPlatformaticBus(options);
}
