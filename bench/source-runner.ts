/**
 * The source runtime against the machine's own baseline, in one run, on a real broker and a real
 * PostgreSQL:
 *   baseline — the same canonical events published straight to Kafka in pages (bus.publish, acks=all);
 *   relais   — a source handing over the same records page by page to the source runtime, which
 *              validates them, resolves the citizen, records the change, publishes, waits for the
 *              ack and saves the checkpoint.
 * Prints events/s of both and the ratio relais/baseline (the cost of "nothing lost, nothing twice,
 * visible through the gateway").
 *
 *   npx node bench/source-runtime.ts [--events 2000] [--page 50] [--citizens 200]
 * Uses KAFKA_BROKERS if set, else starts a local broker on RELAIS_KAFKA_PORT (default 29092);
 * PostgreSQL at TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { parseArgs } from 'node:util';
import { readSourceState, startSourceRuntime } from '@relais/connector-kit/runtime';
import { encodeCanonical } from '../core/envelopes.ts';
import { newPivotId, sourceEventId } from '../core/ids.ts';
import { createLogger } from '../core/logger.ts';
import { parseFlows } from '../core/flows/flows.ts';
import { ensureTopics, topicNames } from '../core/topics.ts';
import { startKafka } from '../infra/kafka/kafka.ts';
import { createPostgresDatabase, testBus } from '@relais/connector-kit/testing';
import { deathRecord, listSource } from '../test/support/list-source.ts';
import { schemaIdOf } from '../schemas/index.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '2000' },
    page: { type: 'string', default: '50' },
    citizens: { type: 'string', default: '200' },
  },
});
const total = Number(values.events);
const page = Number(values.page);
const citizens = Number(values.citizens);

const cluster = process.env['KAFKA_BROKERS']
  ? undefined
  : await startKafka({ port: Number(process.env['RELAIS_KAFKA_PORT'] ?? 29092), fresh: true });
const brokers = (process.env['KAFKA_BROKERS'] ?? cluster!.brokers).split(',');
const database = await createPostgresDatabase();
const bus = testBus(brokers, 'bench');
const prefix = `bench-src-${Date.now()}`;
const topics = topicNames(prefix);
await ensureTopics(bus, { topicPrefix: prefix, topicPartitions: 3, topicReplication: 1, topicMinInsyncReplicas: 1 }, []);
const flows = parseFlows([{ file: 'bench.yaml', text: 'systems:\n  registry: { connector: registry, firstSightings: allow }\n' }]);
const records = Array.from({ length: total }, (_, i) => deathRecord(i + 1, `CR-${i % citizens}`));

// Baseline: the same events, already encoded, published page by page.
const pivots = Array.from({ length: citizens }, () => newPivotId());
const messages = records.map((r, i) =>
  encodeCanonical(
    {
      id: sourceEventId('baseline', r.recordKey),
      type: r.type,
      source: '/connectors/baseline',
      pivotId: pivots[i % citizens]!,
      time: r.time!,
      data: r.data,
      dataschema: schemaIdOf(r.type),
      origin: 'baseline',
    },
    topics.events,
  ),
);
let started = performance.now();
for (let i = 0; i < messages.length; i += page) await bus.publish(messages.slice(i, i + page));
const baseSeconds = (performance.now() - started) / 1000;

// Relais: the source runtime, polling the same records page by page.
started = performance.now();
const runner = startSourceRuntime({
  system: 'registry',
  source: listSource(records, page),
  bus,
  db: database.db,
  topics,
  flows: () => flows,
  logger: createLogger({ component: 'bench', level: 'warn' }),
  pollMs: 10,
  timeoutMs: 30_000,
  backoff: { baseMs: 50, maxMs: 1000 },
});
while ((await readSourceState(database.db, 'registry')).checkpoint !== String(total)) await new Promise((r) => setTimeout(r, 20));
const relaisSeconds = (performance.now() - started) / 1000;
await runner.stop();

const rate = (seconds: number) => Math.round(total / seconds);
console.log(
  `source runtime, ${total} events in pages of ${page}, ${citizens} citizens (Kafka ${cluster?.version ?? 'external'}, PostgreSQL)`,
);
console.log(`  baseline (bus.publish only)   ${baseSeconds.toFixed(2)} s  ${rate(baseSeconds)} events/s`);
console.log(`  relais (source runtime)       ${relaisSeconds.toFixed(2)} s  ${rate(relaisSeconds)} events/s`);
console.log(`  ratio relais/baseline time    ${(relaisSeconds / baseSeconds).toFixed(2)}`);
await bus.close();
await database.drop();
await cluster?.stop();
