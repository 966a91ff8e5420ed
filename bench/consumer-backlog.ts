/**
 * A consumer far behind its topic: what draining a backlog costs in memory and time, the bus's
 * consumer (core/bus, 1 MiB per partition and fetch) beside the same client at its own defaults
 * (50 MB per fetch), on the same backlog of a real broker. Each drain runs in its own child
 * process, so each peak RSS is its own; runs alternate.
 *
 *   npm run bench:backlog -- [messages=20000] [bytes=2048] [runs=2]
 *
 * Starts its own broker on RELAIS_BENCH_KAFKA_PORT (default 29592) unless KAFKA_BROKERS is set.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Consumer, stringDeserializer } from '@platformatic/kafka';
import { createBus } from '../core/bus/index.ts';
import { createLogger } from '../core/logger.ts';
import { startKafka } from '../infra/kafka/kafka.ts';
import { peakRss } from './lib/processes.ts';

type Mode = 'bus' | 'client-defaults';

interface Drained {
  mode: Mode;
  seconds: number;
  peakRssMiB: number;
}

const peakRssMiB = (): number => peakRss(process.pid);

/** In a child: drains `topic` from the beginning, marking (bus) or reading (client) every message. */
async function drain(mode: Mode, brokers: string, topic: string, count: number): Promise<Drained> {
  const started = performance.now();
  let seen = 0;
  if (mode === 'bus') {
    const bus = createBus({ brokers: [brokers], clientId: 'backlog', logger: createLogger({ component: 'bench', level: 'warn' }) });
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const subscription = await bus.consume({
      groupId: `drain-${randomUUID()}`,
      topics: [topic],
      handler: async (messages, context) => {
        for (const message of messages) context.markProcessed(message);
        seen += messages.length;
        if (seen >= count) done();
      },
    });
    await finished;
    const result = { mode, seconds: (performance.now() - started) / 1000, peakRssMiB: peakRssMiB() };
    await subscription.close();
    await bus.close();
    return result;
  }
  const consumer = new Consumer({
    clientId: 'backlog-raw',
    groupId: `drain-${randomUUID()}`,
    bootstrapBrokers: [brokers],
    deserializers: { key: stringDeserializer, headerKey: stringDeserializer, headerValue: stringDeserializer },
  });
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
  for await (const record of stream) {
    void record;
    if (++seen >= count) break;
  }
  const result = { mode, seconds: (performance.now() - started) / 1000, peakRssMiB: peakRssMiB() };
  await stream.close();
  await consumer.close(true);
  return result;
}

function inChild(mode: Mode, brokers: string, topic: string, count: number): Promise<Drained> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, brokers, topic, String(count)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Drained) : reject(new Error(`${mode} drain exited ${code}`))));
  });
}

if (process.argv[2] === '--child') {
  const [, , , mode, brokers, topic, count] = process.argv;
  process.stdout.write(JSON.stringify(await drain(mode as Mode, brokers!, topic!, Number(count))));
  process.exit(0);
}

const [messages = 20_000, bytes = 2048, runs = 2] = process.argv.slice(2).map(Number);
const kafka = process.env['KAFKA_BROKERS']
  ? undefined
  : await startKafka({ port: Number(process.env['RELAIS_BENCH_KAFKA_PORT'] ?? 29592), fresh: true });
const brokers = process.env['KAFKA_BROKERS']?.split(',')[0] ?? kafka!.brokers;
try {
  const bus = createBus({ brokers: [brokers], clientId: 'backlog-fill', logger: createLogger({ component: 'bench', level: 'warn' }) });
  const topic = `bench-backlog-${randomUUID()}`;
  await bus.ensureTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
  const value = Buffer.alloc(bytes, 'x');
  for (let sent = 0; sent < messages; sent += 500) {
    const n = Math.min(500, messages - sent);
    await bus.publish(Array.from({ length: n }, (_, i) => ({ topic, key: `citizen-${(sent + i) % 100}`, value, headers: {} })));
  }
  await bus.close();
  console.log(`backlog: ${messages} messages of ${bytes} bytes (${((messages * bytes) / 1_048_576).toFixed(0)} MiB) on one partition`);
  for (let run = 1; run <= runs; run++) {
    // Alternate which goes first: the broker's page cache and JIT warm for whoever follows.
    const order: Mode[] = run % 2 ? ['bus', 'client-defaults'] : ['client-defaults', 'bus'];
    for (const mode of order) {
      const d = await inChild(mode, brokers, topic, messages);
      console.log(
        `run ${run}  ${mode.padEnd(15)}  ${Math.round(messages / d.seconds)
          .toString()
          .padStart(7)} messages/s  peak RSS ${d.peakRssMiB.toFixed(0)} MiB`,
      );
    }
  }
} finally {
  await kafka?.stop();
}
