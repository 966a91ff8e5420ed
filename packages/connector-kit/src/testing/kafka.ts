/**
 * The test broker: the one `npm test` starts (or KAFKA_BROKERS). Each test uses its own topic
 * prefix, so tests share the broker without seeing each other's messages.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createBus, type KafkaSecurity } from '../../../../core/bus/index.ts';
import type { Bus, IncomingMessage, Subscription } from '../../../../core/bus/types.ts';
import { createLogger } from '../../../../core/logger.ts';
import { ensureTopics } from '../../../../core/topics.ts';
import { eventually } from './eventually.ts';

export function testBrokers(): string[] {
  const brokers = process.env['KAFKA_BROKERS'];
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: run the tests with `npm test`, which starts a broker');
  return brokers.split(',');
}

export function uniquePrefix(name = 't'): string {
  return `${name}-${randomBytes(5).toString('hex')}`;
}

/** A bus on the test broker, with its security from the environment (`npm test` sets it) unless given. */
export function testBus(brokers: string[] = testBrokers(), clientId = 'test', security?: KafkaSecurity): Bus {
  return createBus({ brokers, clientId, logger: createLogger({ component: 'test', level: 'silent' }), ...(security ? { security } : {}) });
}

/** Reads a topic from the beginning with a fresh group until `enough` says so. */
export async function readTopic(
  topic: string,
  enough: (messages: IncomingMessage[]) => boolean,
  timeoutMs = 20_000,
): Promise<IncomingMessage[]> {
  const bus = testBus(undefined, 'topic-reader');
  const seen: IncomingMessage[] = [];
  const sub = await bus.consume({
    groupId: `reader-${randomUUID()}`,
    topics: [topic],
    handler: async (batch, c) => batch.forEach((m) => (seen.push(m), c.markProcessed(m))),
  });
  try {
    await eventually(async () => (enough(seen) ? true : undefined), timeoutMs, `messages on ${topic}`);
    return seen;
  } finally {
    await sub.close();
    await bus.close();
  }
}

/**
 * Creates the topics under `prefix` (events, receipts, and each system's delivery and DLQ
 * topics) on the test broker: one node, so replication 1 and one in-sync replica.
 */
export function ensureTestTopics(bus: Bus, prefix: string, systems: string[], partitions = 2): Promise<void> {
  return ensureTopics(bus, { topicPrefix: prefix, topicPartitions: partitions, topicReplication: 1, topicMinInsyncReplicas: 1 }, systems);
}

/** Everything published on some topics, in arrival order, until close(). */
export interface Recorder {
  messages: IncomingMessage[];
  close(): Promise<void>;
}

/** Records `topics` from their beginning with a fresh consumer group; resolves once it consumes. */
export async function recordTopics(bus: Bus, topics: string[]): Promise<Recorder> {
  const messages: IncomingMessage[] = [];
  const subscription: Subscription = await bus.consume({
    groupId: `recorder-${randomUUID()}`,
    topics,
    fromBeginning: true,
    handler: async (batch, context) => {
      for (const message of batch) {
        messages.push(message);
        context.markProcessed(message);
      }
    },
  });
  await subscription.ready;
  return { messages, close: () => subscription.close() };
}
