/** Reads a topic from the beginning with a fresh consumer group until `enough` says so. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from '../../core/bus/types.ts';
import { eventually } from './eventually.ts';
import { testBus } from './kafka.ts';

export async function readTopic(topic: string, enough: (messages: IncomingMessage[]) => boolean, timeoutMs = 20_000): Promise<IncomingMessage[]> {
  const bus = testBus(undefined, 'topic-reader');
  const seen: IncomingMessage[] = [];
  const sub = await bus.consume({ groupId: `reader-${randomUUID()}`, topics: [topic], handler: async (batch, c) => batch.forEach((m) => (seen.push(m), c.markProcessed(m))) });
  try {
    await eventually(async () => (enough(seen) ? true : undefined), timeoutMs, `messages on ${topic}`);
    return seen;
  } finally {
    await sub.close();
    await bus.close();
  }
}
