/**
 * `npm test [-- <path filter>…]`: runs every *.test.ts with node's test runner against real
 * services. Fails when it finds no test file (node --test would pass with zero tests).
 *
 * Kafka: uses KAFKA_BROKERS when set; otherwise starts a fresh local broker from
 * infra/kafka (port RELAIS_TEST_KAFKA_PORT, default 19092) and stops it afterwards.
 * PostgreSQL: TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) must
 * answer; each test creates and drops its own database.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import pg from 'pg';
import { startKafka, type KafkaCluster } from '../infra/kafka/kafka.ts';

const root = process.cwd();
const skip = new Set(['node_modules', '.git', '.relais', 'lib']);

function findTests(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (skip.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return findTests(path);
    return entry.name.endsWith('.test.ts') ? [relative(root, path)] : [];
  });
}

const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = findTests(root)
  .filter((f) => filters.length === 0 || filters.some((filter) => f.includes(filter)))
  .sort();
if (files.length === 0) {
  console.error(`no test files found${filters.length ? ` matching ${filters.join(', ')}` : ''}: refusing to report success`);
  process.exit(1);
}

process.env['TEST_DATABASE_URL'] ??= 'postgres://postgres@127.0.0.1:5432/postgres';
const probe = new pg.Client({ connectionString: process.env['TEST_DATABASE_URL'] });
try {
  await probe.connect();
  await probe.end();
} catch (error) {
  console.error(`PostgreSQL at TEST_DATABASE_URL is not reachable (${(error as Error).message}); start it or set TEST_DATABASE_URL`);
  process.exit(1);
}

// Tests that start brokers of their own put them next to the base port, so two runs with
// different RELAIS_TEST_KAFKA_PORTs (e.g. two worktrees) never collide.
const basePort = Number(process.env['RELAIS_TEST_KAFKA_PORT'] ?? 19092);
process.env['RELAIS_TEST_OUTAGE_KAFKA_PORT'] ??= String(basePort + 10);
process.env['RELAIS_TEST_KAFKA41_PORT'] ??= String(basePort + 20);
process.env['RELAIS_TEST_READINESS_KAFKA_PORT'] ??= String(basePort + 30);

let kafka: KafkaCluster | undefined;
if (!process.env['KAFKA_BROKERS']) {
  const started = Date.now();
  kafka = await startKafka({
    port: basePort,
    version: process.env['RELAIS_KAFKA_VERSION'] ?? '3.9.1',
    fresh: true,
  });
  process.env['KAFKA_BROKERS'] = kafka.brokers;
  console.log(`test broker: Kafka ${kafka.version} on ${kafka.brokers}, ready in ${Date.now() - started} ms`);
}

const child = spawn(
  process.execPath,
  ['--test', `--test-concurrency=${process.env['RELAIS_TEST_CONCURRENCY'] ?? '2'}`, '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: { ...process.env, LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'silent' } },
);
const stopAll = (): void => {
  child.kill('SIGTERM');
};
process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);
const code = await new Promise<number>((resolve) => child.once('exit', (status, signal) => resolve(status ?? (signal ? 1 : 0))));
await kafka?.stop();
process.exit(code);
