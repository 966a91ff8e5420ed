/**
 * /readyz on the operations listener reports each dependency with a reason: the gateway turns
 * not ready when its Kafka broker or its PostgreSQL server is stopped, and ready again when they
 * return. The public port answers the same statuses without a reason, and no /metrics. Runs its
 * own broker and its own PostgreSQL server, since it stops them.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKafka, type KafkaCluster } from '../infra/kafka/kafka.ts';
import { openPostgres } from '../core/store/db.ts';
import { componentValidator } from '../gateway/api-document.ts';
import { eventually } from '@relais/connector-kit/testing';
import { startPostgresServer, type PostgresServer } from './support/postgres-server.ts';
import { devToken, startStack, type Stack } from './support/stack.ts';

interface Readiness {
  status: string;
  checks: Record<string, { status: string; reason?: string; required: boolean }>;
}

const port = Number(process.env['RELAIS_TEST_READINESS_KAFKA_PORT'] ?? 19602);
const kafkaDir = mkdtempSync(join(tmpdir(), 'relais-readiness-kafka-'));
// A broker of its own, stopped and restarted by the test: plaintext, its subject being outages.
const PLAINTEXT_ENV = { RELAIS_KAFKA_SECURITY: 'plaintext' };
const validReadiness = componentValidator('Readiness');
let kafka: KafkaCluster;
let postgres: PostgresServer;
let stack: Stack;

before(async () => {
  [kafka, postgres] = await Promise.all([
    startKafka({ port, dir: kafkaDir, version: process.env['RELAIS_KAFKA_VERSION'] ?? '3.9.1' }),
    startPostgresServer(),
  ]);
  stack = await startStack({ env: { KAFKA_BROKERS: kafka.brokers, ...PLAINTEXT_ENV, DATABASE_URL: postgres.url } });
});

after(async () => {
  await stack?.stop();
  await kafka?.stop();
  await postgres?.remove();
  rmSync(kafkaDir, { recursive: true, force: true });
});

async function readiness(where: 'ops' | 'public' = 'ops'): Promise<{ status: number; body: Readiness }> {
  const response = await fetch(`${where === 'ops' ? stack.relais.opsUrl : stack.relais.gatewayUrl}/readyz`);
  const body = (await response.json()) as Readiness;
  assert.ok(validReadiness(body), `matches the OpenAPI Readiness schema: ${JSON.stringify(validReadiness.errors)}`);
  return { status: response.status, body };
}

const becomes = (what: string, ok: (r: { status: number; body: Readiness }) => boolean) =>
  eventually(
    async () => {
      const r = await readiness();
      return ok(r) ? r : undefined;
    },
    60_000,
    what,
  );

test('ready with every dependency ok: store, Kafka, outbox, router and the connector', { timeout: 60_000 }, async () => {
  const { body } = await becomes('ready', (r) => r.status === 200 && r.body.status === 'ok');
  for (const name of ['store', 'kafka', 'outbox', 'router', 'sources', 'connector:social-services'])
    assert.equal(body.checks[name]?.status, 'ok', name);
  assert.equal(body.checks['store']?.required, true);
  assert.equal(body.checks['kafka']?.required, true);
  assert.equal(body.checks['connector:social-services']?.required, false);
});

test('Kafka stopped: not ready, with the reason; ready again when it returns', { timeout: 180_000 }, async () => {
  await kafka.stop();
  const down = await becomes('not ready (Kafka)', (r) => r.status === 503);
  assert.equal(down.body.status, 'unavailable');
  assert.equal(down.body.checks['kafka']?.status, 'unavailable');
  assert.match(down.body.checks['kafka']?.reason ?? '', /Kafka/i);
  assert.equal(down.body.checks['store']?.status, 'ok', 'the store is not blamed');
  assert.ok(down.body.checks['connector:social-services']?.reason, 'the connector cannot be seen either, and says why');

  // The public port tells the same statuses and nothing of the internals.
  const outside = await readiness('public');
  assert.equal(outside.status, 503);
  assert.equal(outside.body.checks['kafka']?.status, 'unavailable');
  for (const [name, check] of Object.entries(outside.body.checks)) assert.equal(check.reason, undefined, `no reason for ${name}`);
  assert.doesNotMatch(JSON.stringify(outside.body), /reaching|127\.0\.0\.1|ECONN|within|consumer group/);
  const scrape = await fetch(`${stack.relais.gatewayUrl}/metrics`);
  assert.equal(scrape.status, 404, 'no /metrics on the public API port');
  assert.equal((await fetch(`${stack.relais.opsUrl}/metrics`)).status, 200, 'it is on the operations listener');

  const systems = await fetch(`${stack.relais.gatewayUrl}/v1/systems`, { headers: { authorization: `Bearer ${devToken}` } });
  assert.equal(systems.status, 200, 'systems still answer from the store');
  const view = (await systems.json()) as { kafka: string; systems: { name: string; lag: number | null }[] };
  assert.notEqual(view.kafka, 'ok');
  assert.equal(view.systems.find((s) => s.name === 'social-services')?.lag, null);

  kafka = await startKafka({ port, dir: kafkaDir, version: kafka.version });
  const up = await becomes('ready again after Kafka', (r) => r.status === 200 && r.body.checks['kafka']?.status === 'ok');
  assert.equal(up.body.checks['store']?.status, 'ok');
});

test('the store stopped: not ready, with the reason; ready again when it returns', { timeout: 120_000 }, async () => {
  await postgres.stop();
  const down = await becomes('not ready (store)', (r) => r.status === 503 && r.body.checks['store']?.status === 'unavailable');
  assert.equal(down.body.status, 'unavailable');
  assert.match(down.body.checks['store']?.reason ?? '', /STORE_UNAVAILABLE|connect|ECONNREFUSED|terminat/i);
  assert.equal(down.body.checks['kafka']?.status, 'ok', 'Kafka is not blamed');

  await postgres.start();
  await becomes('ready again after the store', (r) => r.status === 200 && r.body.checks['store']?.status === 'ok');
});

test('a source connector failing its polls makes the gateway degraded, naming it and its error', { timeout: 60_000 }, async () => {
  // The stack's store is this test's own PostgreSQL server (DATABASE_URL): write there.
  const store = openPostgres(postgres.url);
  try {
    await store.query(
      `INSERT INTO source_checkpoints (system, consecutive_failures, last_error, last_error_at) VALUES ('civil-registry', 3, 'SILO_UNAVAILABLE: registry unreachable', now())`,
    );
  } finally {
    await store.close();
  }
  const { status, body } = await becomes('degraded (source)', (r) => r.body.checks['sources']?.status === 'unavailable');
  assert.equal(status, 200, 'still ready: a failing source does not stop the gateway');
  assert.equal(body.status, 'degraded');
  assert.match(body.checks['sources']?.reason ?? '', /civil-registry: 3 failed polls in a row \(SILO_UNAVAILABLE: registry unreachable\)/);
});
