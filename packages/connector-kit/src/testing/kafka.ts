/**
 * The test broker: the one `npm test` starts (or KAFKA_BROKERS). Each test uses its own topic
 * prefix, so tests share the broker without seeing each other's messages.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createBus } from '../../../../core/bus/index.ts';
import type { Bus, IncomingMessage } from '../../../../core/bus/types.ts';
import { createLogger } from '../../../../core/logger.ts';
import { eventually } from './eventually.ts';

export function testBrokers(): string[] {
  const brokers = process.env['KAFKA_BROKERS'];
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: run the tests with `npm test`, which starts a broker');
  return brokers.split(',');
}

export function uniquePrefix(name = 't'): string {
  return `${name}-${randomBytes(5).toString('hex')}`;
}

export function testBus(brokers: string[] = testBrokers(), clientId = 'test'): Bus {
  return createBus({ brokers, clientId, logger: createLogger({ component: 'test', level: 'silent' }) });
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
