/** The bus factory: the one place that picks the Kafka client (ADR 0002). */
import type { Logger } from '../logger.ts';
import { createPlatformaticBus } from './platformatic-bus.ts';
import type { Bus } from './types.ts';

export type { Bus, IncomingMessage, OutgoingMessage, Subscription, TopicSpec } from './types.ts';

export function createBus(options: { brokers: string[]; clientId: string; logger: Logger }): Bus {
  return createPlatformaticBus(options);
}
