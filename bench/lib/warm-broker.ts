/**
 * The bench starts its own broker, fresh, and a fresh JVM runs its request paths interpreted
 * until its JIT has compiled them: over the first minute or two, the broker spends several times
 * the CPU per produce request it spends once warm. A production broker has been up for weeks, so
 * the bench warms its broker before the first phase (docs/adr/0045): small batches published
 * as the outbox relay publishes them, a consumer reading them back, for a fixed time.
 */
import { randomUUID } from 'node:crypto';
import { createBus } from '../../core/bus/index.ts';
import type { OutgoingMessage } from '../../core/bus/types.ts';
import { createLogger } from '../../core/logger.ts';

export interface BrokerWarmUp {
  requests: number;
  messages: number;
  consumed: number;
  seconds: number;
}

/** Publishes batches of `batch` small messages, `inFlight` at a time, for `seconds`, and reads them back. */
export async function warmBroker(brokers: string, seconds: number, batch = 20, inFlight = 4): Promise<BrokerWarmUp> {
  const logger = createLogger({ component: 'bench-warm-up', level: 'warn' });
  const bus = createBus({ brokers: brokers.split(','), clientId: 'bench-warm-up', logger });
  const topic = `bench-warm-up-${Date.now().toString(36)}`;
  const started = performance.now();
  let requests = 0;
  let consumed = 0;
  try {
    // Kept a minute: a broker held across runs (KAFKA_BROKERS) does not keep every run's warm-up.
    await bus.ensureTopics([{ name: topic, partitions: 3, replicationFactor: 1, configs: { 'retention.ms': '60000' } }]);
    const subscription = await bus.consume({
      groupId: `bench-warm-up-${randomUUID()}`,
      topics: [topic],
      fromBeginning: true,
      handler: async (messages, context) => {
        for (const message of messages) context.markProcessed(message);
        consumed += messages.length;
      },
    });
    const value = Buffer.alloc(512, 'x');
    const nextBatch = (): OutgoingMessage[] =>
      Array.from({ length: batch }, () => ({ topic, key: randomUUID(), value, headers: { ce_type: 'bench.warm-up' } }));
    const until = started + seconds * 1000;
    const publisher = async (): Promise<void> => {
      while (performance.now() < until) {
        await bus.publish(nextBatch());
        requests++;
      }
    };
    await Promise.all(Array.from({ length: inFlight }, publisher));
    await subscription.close();
  } finally {
    await bus.close();
  }
  return { requests, messages: requests * batch, consumed, seconds: (performance.now() - started) / 1000 };
}
