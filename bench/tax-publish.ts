/**
 * A large tax change file collected, validated whole and published through the tax source and
 * the source runtime, on a real broker and store, with RSS sampled all along (flat means the
 * file is streamed and paged, never held). Baseline in the same run: the same number of events
 * published to Kafka directly in batches of the same page size (no file, no store, no identity).
 *
 *   npx node bench/tax-publish.ts [--records 1000000] [--store postgres|pglite]
 * Uses KAFKA_BROKERS if set, else starts a local broker on RELAIS_KAFKA_PORT (default 29392);
 * PostgreSQL at TEST_DATABASE_URL's server (a fresh database, dropped afterwards).
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startConnector } from '../connectors/host.ts';
import { loadConnectors } from '../connectors/loader.ts';
import { loadConfig } from '../core/config.ts';
import { createBus } from '../core/bus/index.ts';
import { createLogger } from '../core/logger.ts';
import { createRuntime } from '../core/runtime.ts';
import { openStore } from '../core/store/db.ts';
import { migrate } from '../core/store/migrate.ts';
import { ensureTopics } from '../core/topics.ts';
import { writeTaxChanges, type ChangeRecord } from '../protocols/tax/changes.ts';
import { startKafka, type KafkaCluster } from '../infra/kafka/kafka.ts';
import { overlay, startSimulator } from '../bin/start-silos.ts';
import type { TaxSilo } from '../silos/tax/server.ts';
import taxSimulator from '../silos/tax/simulator.ts';

const { values } = parseArgs({
  options: { records: { type: 'string', default: '1000000' }, store: { type: 'string', default: 'postgres' } },
});
const total = Number(values.records);
const pageSize = 2000;
const dir = mkdtempSync(join(tmpdir(), 'relais-tax-publish-'));
const prefix = `bench-tax-${Date.now()}`;
let kafka: KafkaCluster | undefined;
let databaseName: string | undefined;
const adminUrl = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function* declarations(): Generator<ChangeRecord> {
  for (let i = 0; i < total; i++) {
    yield {
      reference: `B${String(i).padStart(12, '0')}`,
      taxId: String(2_000_000_000_000 + i),
      effectiveDate: '2026-10-01',
      declaredAt: '2026-10-02T08:00:00Z',
      address: {
        number: String((i % 300) + 1),
        streetName: i % 2 ? 'allée des Châtaigniers' : 'rue de l’Œuvre',
        postcode: '69003',
        communeName: 'Lyon',
        communeInsee: '69383',
        country: 'FR',
      },
    };
  }
}

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

try {
  let brokers = process.env['KAFKA_BROKERS'];
  if (!brokers) {
    kafka = await startKafka({ port: Number(process.env['RELAIS_KAFKA_PORT'] ?? 29392), fresh: true });
    brokers = kafka.brokers;
  }
  let databaseUrl: string | undefined;
  if (values.store === 'postgres') {
    databaseName = `relais_bench_${Date.now()}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${databaseName}`);
    await admin.end();
    databaseUrl = adminUrl.replace(/\/[^/]*$/, `/${databaseName}`);
  }
  const flowsDir = join(dir, 'flows');
  mkdirSync(flowsDir);
  copyFileSync('flows/tax.yaml', join(flowsDir, 'tax.yaml'));
  const env = {
    KAFKA_BROKERS: brokers,
    RELAIS_TOPIC_PREFIX: prefix,
    RELAIS_DATA_DIR: dir,
    RELAIS_FLOWS_DIR: flowsDir,
    TAX_SFTP_PORT: '0',
    RELAIS_TAX_CHANGES_PAGE: String(pageSize),
    RELAIS_SOURCE_POLL_MS: '100',
    LOG_LEVEL: 'warn',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
  const config = loadConfig(env);

  // Baseline: the same events, straight to Kafka.
  const bus = createBus({
    brokers: brokers.split(','),
    clientId: 'bench-baseline',
    logger: createLogger({ component: 'bench', level: 'warn' }),
  });
  await ensureTopics(bus, config, []);
  await bus.ensureTopics([{ name: `${prefix}.baseline`, partitions: config.topicPartitions, replicationFactor: 1 }]);
  let started = performance.now();
  for (let i = 0; i < total; i += pageSize) {
    const count = Math.min(pageSize, total - i);
    await bus.publish(
      Array.from({ length: count }, (_, j) => ({
        topic: `${prefix}.baseline`,
        key: randomUUID(),
        value: Buffer.from(JSON.stringify({ n: i + j })),
        headers: {},
      })),
    );
  }
  const baseline = (performance.now() - started) / 1000;
  await bus.close();

  const simulator = (await startSimulator(taxSimulator, env, dir))!;
  const silo = simulator.instance as TaxSilo;
  process.stderr.write(`writing a change file of ${total.toLocaleString('en')} records…\n`);
  await silo.dropFile('changes', 'DGFIP_CHG_bench.txt', writeTaxChanges({ fileId: randomUUID(), createdAt: new Date() }, declarations()));
  const db = await openStore({ databaseUrl: config.databaseUrl, pgliteDir: join(dir, 'pglite') });
  await migrate(db);
  const connectors = await loadConnectors();
  // The tax connector reads where the simulator listens from the environment it is given.
  const runtime = await createRuntime({
    component: 'bench',
    config,
    env: overlay(env, simulator.connectorEnv),
    db,
    connectors: connectors.definitions,
  });
  let peak = process.memoryUsage.rss();
  const samples: number[] = [];
  const timer = setInterval(() => {
    const rss = process.memoryUsage.rss();
    peak = Math.max(peak, rss);
    samples.push(rss);
  }, 100);
  started = performance.now();
  const connector = await startConnector(runtime, connectors, 'tax');
  while (!readdirSync(join(silo.root, 'changes', 'processed')).includes('DGFIP_CHG_bench.txt'))
    await new Promise((r) => setTimeout(r, 200));
  const seconds = (performance.now() - started) / 1000;
  clearInterval(timer);
  const published = connector.sourceHealth?.().published ?? 0;
  await connector.stop();
  await runtime.close();
  await db.close();
  await silo.close();
  const tenth = samples[Math.floor(samples.length / 10)] ?? peak;
  const last = samples.at(-1) ?? peak;
  console.log(
    `tax change file: ${total.toLocaleString('en')} records, ${values.store} store (${process.version}, ${new Date().toISOString()})`,
  );
  console.log(
    `published ${published.toLocaleString('en')} events in ${seconds.toFixed(1)} s: ${Math.round(published / seconds).toLocaleString('en')} records/s (validated whole, then paged by ${pageSize}; each recorded as a change, identity resolved, published)`,
  );
  console.log(
    `baseline: the same count straight to Kafka ${Math.round(total / baseline).toLocaleString('en')} records/s | ratio ${(seconds / baseline).toFixed(1)}x the baseline's time`,
  );
  console.log(`RSS peak ${mib(peak)} MiB; at 10 % of the run ${mib(tenth)} MiB, at the end ${mib(last)} MiB`);
} finally {
  await kafka?.stop();
  if (databaseName) {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
    await admin.end();
  }
  rmSync(dir, { recursive: true, force: true });
}
