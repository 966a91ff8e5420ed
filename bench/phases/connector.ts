/**
 * Connector runtime: N deliveries on a topic, applied by the sink runtime to a no-op silo (so
 * what is measured is the runtime: decoding, ledger, per-citizen lanes, receipts, commits),
 * beside a raw consumer of the same Kafka client on the same topic that only marks messages.
 */
import { randomUUID } from 'node:crypto';
import { testReceiptKey } from '@relais/connector-kit/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { createBus } from '../../core/bus/index.ts';
import type { Bus } from '../../core/bus/types.ts';
import { startSinkRuntime } from '@relais/connector-kit/runtime';
import { encodeDelivery } from '../../core/envelopes.ts';
import { createLogger } from '../../core/logger.ts';
import { ensureTopics, topicNames } from '../../core/topics.ts';
import type { BenchContext } from '../run.ts';
import type { Row } from '../lib/report.ts';
import { createDatabase } from '../lib/stack.ts';

const SYSTEM = 'noop';

async function until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`bench: ${what} did not finish in ${timeoutMs} ms`);
    await sleep(5);
  }
}

async function rawConsumer(bus: Bus, topic: string, count: number): Promise<number> {
  let seen = 0;
  let started = 0;
  const subscription = await bus.consume({
    groupId: `raw-${randomUUID()}`,
    topics: [topic],
    handler: async (messages, context) => {
      if (started === 0) started = performance.now();
      for (const message of messages) context.markProcessed(message);
      seen += messages.length;
    },
  });
  await until(() => seen >= count, 300_000, 'the raw consumer');
  const seconds = (performance.now() - started) / 1000;
  await subscription.close();
  return count / seconds;
}

export async function connectorPhase(ctx: BenchContext): Promise<Row[]> {
  const count = ctx.quick ? 5_000 : 50_000;
  const prefix = `bench-connector-${Date.now().toString(36)}`;
  const topics = topicNames(prefix);
  const logger = createLogger({ component: 'bench', level: 'warn' });
  const bus = createBus({ brokers: ctx.brokers.split(','), clientId: 'bench-connector', logger });
  const database = await createDatabase(prefix.replaceAll('-', '_'));
  try {
    await ensureTopics(bus, { topicPrefix: prefix, topicPartitions: 3, topicReplication: 1, topicMinInsyncReplicas: 1 }, [SYSTEM]);
    const citizens = Array.from({ length: 200 }, () => randomUUID());
    const messages = Array.from({ length: count }, (_, i) =>
      encodeDelivery(
        {
          eventId: randomUUID(),
          type: 'fr.relais.citizen.address.changed.v1',
          pivotId: citizens[i % citizens.length]!,
          system: SYSTEM,
          routeId: 'bench',
          citizenId: `N-${i % citizens.length}`,
          data: { address: { streetName: `rue ${i}`, postcode: '69003', communeName: 'Lyon', country: 'FR' }, effectiveDate: '2026-11-01' },
          time: new Date().toISOString(),
        },
        topics.delivery(SYSTEM),
      ),
    );
    for (let i = 0; i < count; i += 1000) await bus.publish(messages.slice(i, i + 1000));

    const rawPerSecond = await rawConsumer(bus, topics.delivery(SYSTEM), count);

    let settled = 0;
    let started = 0;
    const runner = await startSinkRuntime({
      system: SYSTEM,
      receiptKey: testReceiptKey(SYSTEM),
      sink: {
        apply: async () => {
          if (started === 0) started = performance.now();
          return { status: 'applied' };
        },
      },
      bus,
      db: database.db,
      topics,
      groupId: `runner-${randomUUID()}`,
      retry: { maxAttempts: 3, baseMs: 50, maxMs: 200 },
      timeoutMs: 5000,
      concurrency: 8,
      logger,
      metrics: { settled: () => void settled++ },
    });
    await until(() => settled >= count, 600_000, 'the sink runtime');
    const runnerPerSecond = count / ((performance.now() - started) / 1000);
    await runner.stop();
    return [
      {
        phase: 'connector',
        metric: `deliveries/s, no-op silo (${count})`,
        value: runnerPerSecond,
        unit: '/s',
        baseline: { name: 'raw consumer, same client and topic', value: rawPerSecond },
        target: { value: 0.7, higher: true, on: 'ratio' },
        note: 'runtime includes the ledger (PostgreSQL) and a receipt per delivery',
      },
    ];
  } finally {
    await bus.close();
    await database.drop();
  }
}
