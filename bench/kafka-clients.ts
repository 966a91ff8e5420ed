/**
 * KafkaJS vs @platformatic/kafka against a real broker (see docs/adr/0002-kafka-client.md).
 *
 *   npx node bench/kafka-clients.ts [--messages 50000] [--latency-messages 2000] [--runs 3] [--brokers host:port]
 *
 * Without --brokers / KAFKA_BROKERS it starts its own Kafka 3.9.1 on port 29092 and stops it;
 * a given broker is reached with the RELAIS_KAFKA_SECURITY settings (TLS, SCRAM) of the shell.
 *
 *   npx node bench/kafka-clients.ts --compare transport [--client platformatic] [--port 29092]
 *
 * compares transports instead of clients: the same client against two brokers of its own, side by
 * side on this machine, one plaintext (port) and one TLS + SASL/SCRAM-SHA-512 with the
 * StandardAuthorizer on (port + 1), runs interleaved; the ratio column is sasl_ssl/plaintext.
 * Each (client, run) executes in its own child process so RSS and CPU numbers are not polluted by
 * the other client's heap or JIT state; runs are interleaved (and the first client alternates) so
 * broker-side drift (page cache, log segments, GC) hits both clients alike.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { Kafka, Partitioners, logLevel, type Consumer as KjsConsumer, type IHeaders } from 'kafkajs';
import {
  Admin as PltAdmin,
  Consumer as PltConsumer,
  Producer as PltProducer,
  compatibilityPartitioner,
  stringDeserializer,
  stringSerializer,
} from '@platformatic/kafka';
import { startKafka, type KafkaCluster } from '../infra/kafka/kafka.ts';
import { ADMIN_PRINCIPAL } from '../infra/kafka/acls.ts';
import { clientConnection, kafkaSecurityFromEnv, type KafkaSecurity } from '../core/bus/security.ts';
import { kafkajsConnection, kafkaSecurityEnv } from '../infra/kafka/client-env.ts';

type ClientName = 'kafkajs' | 'platformatic';
const CLIENTS: readonly ClientName[] = ['kafkajs', 'platformatic'];

/** The same logical message for both clients: string key, Buffer value, string headers. */
interface BenchMessage {
  topic: string;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

interface ConsumeHandle {
  stop(): Promise<void>;
}

/** What the benchmark needs from a client; each adapter uses that client's idiomatic API. */
interface ClientAdapter {
  createTopic(topic: string, partitions: number): Promise<void>;
  send(messages: BenchMessage[]): Promise<void>;
  /** Fresh group, from the earliest offset, messages handed over one at a time, no commits. */
  consume(topic: string, groupId: string, onMessage: (value: Buffer, sentAt: string | undefined) => void): Promise<ConsumeHandle>;
  close(): Promise<void>;
}

// Same fetch tuning for both: short max wait so latency is not dominated by long polls.
const FETCH = { maxWaitMs: 20, minBytes: 1, maxBytes: 10 * 1024 * 1024, maxBytesPerPartition: 1024 * 1024 };
const SENT_AT = 'bench_sent_at';
const LAT_BATCH = 5;
const LAT_EVERY_MS = 10;

function kafkajsAdapter(brokers: string[], security: KafkaSecurity): ClientAdapter {
  const kafka = new Kafka({ clientId: 'bench-kafkajs', brokers, ...kafkajsConnection(security), logLevel: logLevel.ERROR });
  const admin = kafka.admin();
  // Java-compatible murmur2 (also what platformatic's compatibilityPartitioner does): same key -> same partition.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  const consumers: KjsConsumer[] = [];
  let connected: Promise<void> | undefined;
  const connect = (): Promise<void> => (connected ??= Promise.all([admin.connect(), producer.connect()]).then(() => undefined));
  const header = (h: IHeaders | undefined, k: string): string | undefined => {
    const v = h?.[k];
    return v === undefined ? undefined : Array.isArray(v) ? String(v[0]) : v.toString();
  };
  return {
    async createTopic(topic, partitions) {
      await connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
    },
    async send(messages) {
      await connect();
      // sendBatch takes one array per topic; group preserving order.
      const byTopic = new Map<string, { key: string; value: Buffer; headers: Record<string, string> }[]>();
      for (const m of messages) {
        const list = byTopic.get(m.topic) ?? [];
        list.push({ key: m.key, value: m.value, headers: m.headers });
        byTopic.set(m.topic, list);
      }
      await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs })) });
    },
    async consume(topic, groupId, onMessage) {
      const consumer = kafka.consumer({
        groupId,
        maxWaitTimeInMs: FETCH.maxWaitMs,
        minBytes: FETCH.minBytes,
        maxBytes: FETCH.maxBytes,
        maxBytesPerPartition: FETCH.maxBytesPerPartition,
      });
      consumers.push(consumer);
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ message }) => {
          onMessage(message.value ?? Buffer.alloc(0), header(message.headers, SENT_AT));
        },
      });
      return { stop: () => consumer.disconnect() };
    },
    async close() {
      await Promise.all(consumers.map((c) => c.disconnect()));
      await producer.disconnect();
      await admin.disconnect();
    },
  };
}

function platformaticAdapter(brokers: string[], security: KafkaSecurity): ClientAdapter {
  const base = { bootstrapBrokers: brokers, ...clientConnection(security) };
  const admin = new PltAdmin({ ...base, clientId: 'bench-plt-admin' });
  // idempotent forces acks=-1, maxInflights=1 and unlimited retries inside the client.
  const producer = new PltProducer<string, Buffer, string, string>({
    ...base,
    clientId: 'bench-plt-producer',
    idempotent: true,
    acks: -1,
    partitioner: compatibilityPartitioner,
    serializers: { key: stringSerializer, headerKey: stringSerializer, headerValue: stringSerializer },
  });
  const consumers: PltConsumer<Buffer, Buffer, string, Buffer>[] = [];
  return {
    async createTopic(topic, partitions) {
      await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
      // createTopics returns before leaders are elected; wait so the first send does not race it.
      for (let i = 0; i < 100; i++) {
        const md = await admin.metadata({ topics: [topic], forceUpdate: true }).catch(() => undefined);
        const t = md?.topics.get(topic);
        if (t && t.partitions.length === partitions && t.partitions.every((p) => p.leader >= 0)) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`topic ${topic} has no leaders`);
    },
    async send(messages) {
      await producer.send({ messages });
    },
    async consume(topic, groupId, onMessage) {
      const consumer = new PltConsumer<Buffer, Buffer, string, Buffer>({
        ...base,
        clientId: 'bench-plt-consumer',
        groupId,
        deserializers: { headerKey: stringDeserializer },
      });
      consumers.push(consumer);
      const stream = await consumer.consume({
        topics: [topic],
        mode: 'earliest',
        autocommit: false,
        maxWaitTime: FETCH.maxWaitMs,
        minBytes: FETCH.minBytes,
        maxBytes: FETCH.maxBytes,
        maxBytesPerPartition: FETCH.maxBytesPerPartition,
      });
      const loop = (async () => {
        for await (const message of stream) onMessage(message.value, message.headers.get(SENT_AT)?.toString());
      })();
      return {
        async stop() {
          await stream.close();
          await loop;
          await consumer.close();
        },
      };
    },
    async close() {
      await Promise.all(consumers.map((c) => c.close()));
      await producer.close();
      await admin.close();
    },
  };
}

// ---------------------------------------------------------------- messages

/** 1 KiB JSON CloudEvents-ish payloads, keys drawn from ~1000 UUIDs: like a busy register feed. */
function makeMessages(topic: string, count: number, keys: string[]): BenchMessage[] {
  const out: BenchMessage[] = [];
  const now = new Date().toISOString();
  for (let i = 0; i < count; i++) {
    const key = keys[i % keys.length]!;
    const id = randomUUID();
    const body = { id, seq: i, subject: key, type: 'nl.relais.person.address-changed.v1', data: { street: 'Stationsplein', pad: '' } };
    const base = Buffer.byteLength(JSON.stringify(body));
    body.data.pad = 'x'.repeat(Math.max(0, 1024 - base));
    out.push({
      topic,
      key,
      value: Buffer.from(JSON.stringify(body)),
      headers: {
        ce_id: id,
        ce_type: body.type,
        ce_source: '/silos/brp',
        ce_specversion: '1.0',
        ce_subject: key,
        ce_time: now,
        'content-type': 'application/json',
        traceparent: `00-${id.replaceAll('-', '')}-${id.slice(0, 16).replaceAll('-', 'a')}-01`,
      },
    });
  }
  return out;
}

function recordBytes(m: BenchMessage): number {
  let n = Buffer.byteLength(m.key) + m.value.length;
  for (const [k, v] of Object.entries(m.headers)) n += Buffer.byteLength(k) + Buffer.byteLength(v);
  return n;
}

const nowMs = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

// ---------------------------------------------------------------- one worker = one client, one run

interface WorkerResult {
  client: ClientName;
  /** What the report compares: the client's name, or the transport (plaintext, sasl_ssl). */
  variant: string;
  run: number;
  produce: { msgs: number; seconds: number; msgsPerSec: number; mbPerSec: number; cpuMs: number };
  consume: { msgs: number; firstMessageMs: number; seconds: number; msgsPerSec: number; mbPerSec: number; cpuMs: number };
  latency: {
    sent: number;
    received: number;
    ratePerSec: number;
    p50: number;
    p95: number;
    p99: number;
    max: number;
    ackP50: number;
    ackP99: number;
  };
  rssStartMb: number;
  rssPeakDeltaMb: number;
}

async function worker(
  client: ClientName,
  run: number,
  brokers: string[],
  n: number,
  latencyN: number,
): Promise<Omit<WorkerResult, 'variant'>> {
  const rssStart = process.memoryUsage.rss();
  let rssPeak = rssStart;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage.rss())), 50);
  const security = kafkaSecurityFromEnv();
  const adapter = client === 'kafkajs' ? kafkajsAdapter(brokers, security) : platformaticAdapter(brokers, security);
  const tag = `${client}-r${run}-${Date.now().toString(36)}`;
  const tpTopic = `bench-tp-${tag}`;
  const latTopic = `bench-lat-${tag}`;
  await adapter.createTopic(tpTopic, 3);
  await adapter.createTopic(latTopic, 3);
  const keys = Array.from({ length: 1000 }, () => randomUUID());

  // Warm-up: connections, metadata, producer id; also gives the latency consumer something to find.
  await adapter.send(makeMessages(latTopic, 100, keys));

  // (a) produce: batches of 500, up to 4 sends outstanding (the clients queue them per broker).
  const messages = makeMessages(tpTopic, n, keys);
  const bytes = messages.reduce((s, m) => s + recordBytes(m), 0);
  const batch = 500;
  const inflight = new Set<Promise<void>>();
  let cpu = process.cpuUsage();
  let t0 = performance.now();
  for (let i = 0; i < n; i += batch) {
    const p = adapter.send(messages.slice(i, i + batch)).finally(() => inflight.delete(p));
    inflight.add(p);
    if (inflight.size >= 4) await Promise.race(inflight);
  }
  await Promise.all(inflight);
  let seconds = (performance.now() - t0) / 1000;
  let cpuUsed = process.cpuUsage(cpu);
  const produce = {
    msgs: n,
    seconds,
    msgsPerSec: n / seconds,
    mbPerSec: bytes / 1e6 / seconds,
    cpuMs: (cpuUsed.user + cpuUsed.system) / 1000,
  };

  // (b) consume the N messages from the beginning with a fresh group.
  let received = 0;
  let tFirst = 0;
  let tLast = 0;
  cpu = process.cpuUsage();
  t0 = performance.now();
  const c1 = await adapter.consume(tpTopic, `bench-g-${tag}`, (value) => {
    if (received === 0) tFirst = performance.now();
    received++;
    if (value.length === 0) throw new Error('empty value'); // touch the payload like a real handler would
    if (received === n) tLast = performance.now();
  });
  await waitFor(() => received >= n, 120_000, `${n} messages (got ${received})`);
  cpuUsed = process.cpuUsage(cpu);
  await c1.stop();
  seconds = (tLast - tFirst) / 1000;
  const consume = {
    msgs: received,
    firstMessageMs: tFirst - t0,
    seconds,
    msgsPerSec: (n - 1) / seconds,
    mbPerSec: (bytes * ((n - 1) / n)) / 1e6 / seconds,
    cpuMs: (cpuUsed.user + cpuUsed.system) / 1000,
  };

  // (c) end-to-end latency: consumer is live (has seen the warm-up); every 10 ms one send() of 5
  // messages. Not 1 send per 2 ms: with idempotence both clients allow one produce request per
  // broker, a single-message round trip here is ~2-3 ms, so that pace saturates the producer and
  // measures queueing instead of latency.
  const latencies: number[] = [];
  const acks: number[] = [];
  let warm = 0;
  const c2 = await adapter.consume(latTopic, `bench-lat-g-${tag}`, (_value, sentAt) => {
    if (sentAt === undefined) warm++;
    else latencies.push(nowMs() - Number(sentAt));
  });
  await waitFor(() => warm >= 100, 60_000, 'latency consumer warm-up');
  await sleep(200);
  const latMessages = makeMessages(latTopic, latencyN, keys);
  const sends: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < latencyN; i += LAT_BATCH) {
    const wait = start + (i / LAT_BATCH) * LAT_EVERY_MS - performance.now();
    if (wait > 1) await sleep(wait);
    const group = latMessages.slice(i, i + LAT_BATCH);
    const sentAt = nowMs();
    for (const m of group) m.headers[SENT_AT] = sentAt.toFixed(3);
    sends.push(adapter.send(group).then(() => void acks.push(nowMs() - sentAt)));
  }
  await Promise.all(sends);
  const sendSeconds = (performance.now() - start) / 1000;
  await waitFor(() => latencies.length >= latencyN, 30_000, 'latency messages').catch(() => undefined);
  await c2.stop();
  const sorted = [...latencies].sort((a, b) => a - b);
  const sortedAcks = [...acks].sort((a, b) => a - b);
  const latency = {
    sent: latencyN,
    received: latencies.length,
    ratePerSec: latencyN / sendSeconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    ackP50: percentile(sortedAcks, 50),
    ackP99: percentile(sortedAcks, 99),
  };

  await adapter.close();
  clearInterval(sampler);
  return { client, run, produce, consume, latency, rssStartMb: rssStart / 2 ** 20, rssPeakDeltaMb: (rssPeak - rssStart) / 2 ** 20 };
}

// ---------------------------------------------------------------- orchestrator

/** One side of the comparison: a client against a broker, reached with `env`'s security. */
interface Variant {
  label: string;
  client: ClientName;
  brokers: string;
  env: Record<string, string>;
}

function runWorker(variant: Variant, run: number, n: number, latencyN: number): Promise<WorkerResult> {
  const { client, brokers } = variant;
  const self = fileURLToPath(import.meta.url);
  const args = [self, '--worker', client, '--run', String(run), '--brokers', brokers];
  args.push('--messages', String(n), '--latency-messages', String(latencyN));
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: resolve(dirname(self), '..'),
      env: { ...process.env, ...variant.env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code === 0 && line) resolvePromise({ ...(JSON.parse(line.slice(7)) as Omit<WorkerResult, 'variant'>), variant: variant.label });
      else reject(new Error(`${client} run ${run} failed (exit ${String(code)}):\n${out}`));
    });
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const METRICS: [string, (r: WorkerResult) => number, number][] = [
  ['produce msgs/s', (r) => r.produce.msgsPerSec, 0],
  ['produce MB/s', (r) => r.produce.mbPerSec, 1],
  ['produce CPU ms (client)', (r) => r.produce.cpuMs, 0],
  ['consume msgs/s', (r) => r.consume.msgsPerSec, 0],
  ['consume MB/s', (r) => r.consume.mbPerSec, 1],
  ['consume join->1st msg ms', (r) => r.consume.firstMessageMs, 0],
  ['consume CPU ms (client)', (r) => r.consume.cpuMs, 0],
  ['e2e latency p50 ms', (r) => r.latency.p50, 2],
  ['e2e latency p95 ms', (r) => r.latency.p95, 2],
  ['e2e latency p99 ms', (r) => r.latency.p99, 2],
  ['e2e latency max ms', (r) => r.latency.max, 2],
  ['send->ack p50 ms', (r) => r.latency.ackP50, 2],
  ['send->ack p99 ms', (r) => r.latency.ackP99, 2],
  ['RSS peak delta MiB', (r) => r.rssPeakDeltaMb, 1],
];

/** Medians of `a` and `b` side by side, with the ratio b/a (overall and per run). */
function report(results: WorkerResult[], runs: number, [a, b]: [string, string], ratio: string): void {
  const of = (v: string): WorkerResult[] => results.filter((r) => r.variant === v);
  const pad = (s: string, w: number): string => s.padStart(w);
  console.log(`\n${'metric'.padEnd(26)}${pad(a, 12)}${pad(b, 14)}${pad(ratio, 10)}   per-run ${ratio}`);
  for (const [name, get, digits] of METRICS) {
    const k = median(of(a).map(get));
    const p = median(of(b).map(get));
    const perRun = Array.from({ length: runs }, (_, i) => {
      const kr = results.find((r) => r.variant === a && r.run === i + 1);
      const pr = results.find((r) => r.variant === b && r.run === i + 1);
      return kr && pr ? (get(pr) / get(kr)).toFixed(2) : '-';
    });
    console.log(
      `${name.padEnd(26)}${pad(k.toFixed(digits), 12)}${pad(p.toFixed(digits), 14)}${pad((p / k).toFixed(2), 10)}   ${perRun.join(' ')}`,
    );
  }
  const lost = results.filter((r) => r.latency.received < r.latency.sent || r.consume.msgs < r.produce.msgs);
  if (lost.length) console.log(`WARNING: incomplete runs: ${lost.map((r) => `${r.client}#${r.run}`).join(', ')}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string', default: '50000' },
      'latency-messages': { type: 'string', default: '2000' },
      runs: { type: 'string', default: '3' },
      brokers: { type: 'string' },
      'kafka-version': { type: 'string', default: '3.9.1' },
      port: { type: 'string', default: '29092' },
      worker: { type: 'string' },
      compare: { type: 'string', default: 'clients' },
      client: { type: 'string', default: 'platformatic' },
      run: { type: 'string', default: '1' },
    },
  });
  const n = Number(values.messages);
  const latencyN = Number(values['latency-messages']);
  if (values.worker) {
    const client = CLIENTS.find((c) => c === values.worker);
    if (!client || !values.brokers) throw new Error('--worker needs a client name and --brokers');
    const result = await worker(client, Number(values.run), values.brokers.split(','), n, latencyN);
    // (the orchestrator adds the variant's label)
    console.log(`RESULT ${JSON.stringify(result)}`);
    return;
  }

  const runs = Number(values.runs);
  if (values.compare === 'transport') return compareTransports(values.client, Number(values.port), runs, n, latencyN);
  let cluster: KafkaCluster | undefined;
  let brokers = values.brokers ?? process.env['KAFKA_BROKERS'];
  let label = brokers ? `external broker ${brokers}` : '';
  if (!brokers) {
    cluster = await startKafka({ version: values['kafka-version'], port: Number(values.port), fresh: true });
    brokers = cluster.brokers;
    label = `Apache Kafka ${cluster.version} (own single KRaft node on ${brokers})`;
  }
  console.log(`# Kafka client benchmark ${new Date().toISOString()}`);
  console.log(`# ${label}; node ${process.version}; kafkajs vs @platformatic/kafka`);
  console.log(
    `# ${n} msgs x ~1 KiB value + 8 CloudEvents headers, 3 partitions, RF 1, idempotent, acks=-1, batches of 500 (<=4 outstanding)`,
  );
  const sample = makeMessages(
    't',
    100,
    Array.from({ length: 10 }, () => randomUUID()),
  );
  const perRecord = sample.reduce((s, m) => s + recordBytes(m), 0) / sample.length;
  console.log(`# MB/s counts key + value + header bytes (${Math.round(perRecord)} B per record); CPU = this client process only`);
  console.log(
    `# consume: fresh group from earliest, eachMessage / for-await, no commits; latency: ${latencyN} msgs, ${LAT_BATCH} per send every ${LAT_EVERY_MS} ms, maxWait ${FETCH.maxWaitMs} ms`,
  );
  const results: WorkerResult[] = [];
  try {
    for (let run = 1; run <= runs; run++) {
      const order = run % 2 === 1 ? CLIENTS : [...CLIENTS].reverse();
      for (const client of order) {
        const r = await runWorker({ label: client, client, brokers, env: {} }, run, n, latencyN);
        results.push(r);
        console.log(`RAW ${JSON.stringify(r)}`);
      }
    }
    report(results, runs, ['kafkajs', 'platformatic'], 'plt/kjs');
  } finally {
    await cluster?.stop();
  }
}

/** The cost of TLS + SASL/SCRAM + ACL checks: one client, a plaintext and a secured broker, interleaved runs. */
async function compareTransports(clientName: string, port: number, runs: number, n: number, latencyN: number): Promise<void> {
  const client = CLIENTS.find((c) => c === clientName);
  if (!client) throw new Error(`--client: ${clientName} is not one of ${CLIENTS.join(', ')}`);
  const [plain, secured] = await Promise.all([
    startKafka({ port, fresh: true, heapMiB: 512 }),
    startKafka({ port: port + 1, fresh: true, heapMiB: 512, security: 'sasl_ssl' }),
  ]);
  try {
    const admin = secured.security.as(ADMIN_PRINCIPAL);
    const variants: Variant[] = [
      { label: 'plaintext', client, brokers: plain.brokers, env: { RELAIS_KAFKA_SECURITY: 'plaintext' } },
      {
        label: 'sasl_ssl',
        client,
        brokers: secured.brokers,
        env: kafkaSecurityEnv(admin.security, { caFile: secured.security.caFile!, passwordFile: admin.passwordFile! }),
      },
    ];
    console.log(`# Kafka transport benchmark ${new Date().toISOString()}`);
    console.log(
      `# ${client} against Apache Kafka ${plain.version}: plaintext on ${plain.brokers} vs TLS + SCRAM-SHA-512 (as the super user) on ${secured.brokers}`,
    );
    console.log(`# ${n} msgs x ~1 KiB value + 8 CloudEvents headers, 3 partitions, RF 1, idempotent, acks=-1; node ${process.version}`);
    const results: WorkerResult[] = [];
    for (let run = 1; run <= runs; run++) {
      for (const variant of run % 2 === 1 ? variants : [...variants].reverse()) {
        const r = await runWorker(variant, run, n, latencyN);
        results.push(r);
        console.log(`RAW ${JSON.stringify(r)}`);
      }
    }
    report(results, runs, ['plaintext', 'sasl_ssl'], 'ssl/plain');
  } finally {
    await Promise.all([plain.stop(), secured.stop()]);
  }
}

await main();
