/**
 * Outbox relay: how fast a backlog of N stored changes drains to Kafka (the state after a Kafka
 * outage), beside a raw producer of the same client publishing the same N messages from memory
 * in batches of the relay's size.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createBus } from '../../core/bus/index.ts';
import { encodeCanonical } from '../../core/envelopes.ts';
import { createLogger } from '../../core/logger.ts';
import { ensureTopics, topicNames } from '../../core/topics.ts';
import { OutboxRelay } from '../../gateway/outbox-relay.ts';
import type { BenchContext } from '../run.ts';
import type { Row } from '../lib/report.ts';
import { createDatabase } from '../lib/stack.ts';

const BATCH = 500;
const CHUNK = 5000;

export async function outboxPhase(ctx: BenchContext): Promise<Row[]> {
  // Issue 17: a million-row backlog in the full run. Messages are made a chunk at a time (a
  // million of them in memory would weigh over a gigabyte); only publishing is timed.
  const count = ctx.quick ? 10_000 : 1_000_000;
  const prefix = `bench-outbox-${Date.now().toString(36)}`;
  const topics = topicNames(prefix);
  const logger = createLogger({ component: 'bench', level: 'warn' });
  const bus = createBus({ brokers: ctx.brokers.split(','), clientId: 'bench-outbox', logger });
  const database = await createDatabase(prefix.replaceAll('-', '_'));
  try {
    await ensureTopics(bus, { topicPrefix: prefix, topicPartitions: 3, topicReplication: 1, topicMinInsyncReplicas: 1 }, []);
    const sample = (i: number) =>
      encodeCanonical(
        {
          id: randomUUID(),
          type: 'fr.relais.citizen.address.changed.v1',
          source: '/relais/gateway',
          pivotId: randomUUID(),
          time: new Date().toISOString(),
          data: {
            address: { number: String(i % 200), streetName: 'rue des Lilas', postcode: '69003', communeName: 'Lyon', country: 'FR' },
            effectiveDate: '2026-11-01',
          },
          dataschema: 'https://relais.example/schemas/events/fr.relais.citizen.address.changed.v1.json',
          traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
          channel: 'web',
        },
        topics.events,
      );
    const chunk = (from: number) => Array.from({ length: Math.min(CHUNK, count - from) }, (_, i) => sample(from + i));

    // Baseline: the same messages, straight from memory, in the relay's batch size.
    let rawMs = 0;
    for (let from = 0; from < count; from += CHUNK) {
      const messages = chunk(from);
      const started = performance.now();
      for (let i = 0; i < messages.length; i += BATCH) await bus.publish(messages.slice(i, i + BATCH));
      rawMs += performance.now() - started;
    }
    const rawSeconds = rawMs / 1000;

    // The backlog: N unsent rows, as the gateway writes them.
    for (let from = 0; from < count; from += CHUNK) {
      const slice = chunk(from);
      await database.db.query(
        `INSERT INTO outbox (topic, message_key, headers, payload)
         SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::text[])`,
        [
          slice.map((m) => m.topic),
          slice.map((m) => m.key),
          slice.map((m) => JSON.stringify(m.headers)),
          slice.map((m) => m.value.toString('utf8')),
        ],
      );
    }
    const relay = new OutboxRelay({ db: database.db, bus, logger, batchSize: BATCH, pollMs: 200, leaseMs: 15_000 });
    const started = performance.now();
    relay.start();
    while (relay.stats.published < count) await sleep(20);
    const relaySeconds = (performance.now() - started) / 1000;
    await relay.stop();
    return [
      {
        phase: 'outbox',
        metric: `relay drain of a ${count} backlog, changes/s`,
        value: count / relaySeconds,
        unit: '/s',
        baseline: { name: 'raw producer, same client', value: count / rawSeconds },
        note: `batches of ${BATCH}; relay ${relaySeconds.toFixed(1)} s, raw ${rawSeconds.toFixed(1)} s`,
      },
    ];
  } finally {
    await bus.close();
    await database.drop();
  }
}
