/**
 * Kafka stopped while changes are posted: every change is still accepted (202, stored with its
 * outbox row), and once Kafka is back every one is applied, none twice. Runs its own broker,
 * since it stops it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKafka, type KafkaCluster } from '../infra/kafka/kafka.ts';
import { addressChange, settledAll, startStack, type Stack } from './support/stack.ts';

const port = Number(process.env['RELAIS_TEST_OUTAGE_KAFKA_PORT'] ?? 19592);
const kafkaDir = mkdtempSync(join(tmpdir(), 'relais-outage-kafka-'));
// A broker of its own, stopped and restarted by the test: plaintext, its subject being outages.
const PLAINTEXT_ENV = { RELAIS_KAFKA_SECURITY: 'plaintext' };
let kafka: KafkaCluster;
let stack: Stack;

before(async () => {
  kafka = await startKafka({ port, dir: kafkaDir, version: process.env['RELAIS_KAFKA_VERSION'] ?? '3.9.1' });
  stack = await startStack({ env: { KAFKA_BROKERS: kafka.brokers, ...PLAINTEXT_ENV } });
});

after(async () => {
  await stack?.stop();
  await kafka?.stop();
  rmSync(kafkaDir, { recursive: true, force: true });
});

test(
  'changes posted while Kafka is down are all accepted, then all applied once Kafka is back, none twice',
  { timeout: 180_000 },
  async () => {
    const files = ['SS-500001', 'SS-500002', 'SS-500003', 'SS-500004'];
    for (const file of files) await stack.openFile(file);
    const warmUp = await stack.postChange(addressChange('SS-000789', 'rue du Préambule'));
    await stack.waitForStatus(warmUp.body.id, settledAll);

    await kafka.stop();
    const posted: { id: string; file: string; street: string }[] = [];
    for (const round of [1, 2]) {
      for (const file of files) {
        const street = `rue ${round} de ${file}`;
        const response = await stack.postChange(addressChange(file, street));
        assert.equal(response.status, 202, 'accepted while Kafka is down');
        posted.push({ id: response.body.id, file, street });
      }
    }
    const outbox = await stack.database!.db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL');
    assert.equal(outbox.rows[0]!.n, posted.length, 'every change waits in the outbox');
    for (const { id } of posted) assert.equal((await stack.getChange(id)).recipients[0]!.status, 'pending');

    kafka = await startKafka({ port, dir: kafkaDir, version: kafka.version });
    for (const { id } of posted) {
      const change = await stack.waitForStatus(id, settledAll, 120_000);
      assert.equal(change.recipients[0]!.status, 'applied');
    }
    for (const file of files) {
      const journal = await stack.journal(file);
      const applied = journal.filter((entry) => !entry.rejoue && entry.statutHttp === 200);
      const mine = posted.filter((p) => p.file === file);
      assert.deepEqual(
        applied.map((e) => e.idempotencyKey),
        mine.map((p) => p.id),
        `${file}: each change applied once, in order`,
      );
      assert.equal((await stack.file(file)).adresse['libelleVoie'], mine.at(-1)!.street);
    }
  },
);

test('the gateway starts, accepts changes and stops cleanly with no Kafka at all', { timeout: 60_000 }, async () => {
  const { createRuntime } = await import('../core/runtime.ts');
  const { loadConfig } = await import('../core/config.ts');
  const { startGateway } = await import('../gateway/server.ts');
  const { createTestDatabase } = await import('@relais/connector-kit/testing');
  const database = await createTestDatabase('postgres');
  const config = loadConfig({
    KAFKA_BROKERS: '127.0.0.1:1',
    DATABASE_URL: database.url,
    PORT: '0',
    RELAIS_OPS_PORT: '0',
    LOG_LEVEL: 'silent',
    RELAIS_DEV_TOKEN: 'no-kafka',
  });
  const runtime = await createRuntime({ component: 'gateway', config });
  const { linkIdentifier } = await import('../identity/identity-store.ts');
  await linkIdentifier(runtime.db, randomUUID(), 'social-services', 'SS-000123');
  const gateway = await startGateway(runtime);
  try {
    const response = await fetch(`${gateway.url}/v1/changes`, {
      method: 'POST',
      headers: { authorization: 'Bearer no-kafka', 'content-type': 'application/json' },
      body: JSON.stringify(addressChange('SS-000123')),
    });
    assert.equal(response.status, 202, 'accepted without Kafka: the change waits in the outbox');
    const ready = await fetch(`${gateway.opsUrl}/readyz`);
    assert.equal(ready.status, 503, 'not ready: Kafka is a required dependency');
    const body = (await ready.json()) as { checks: Record<string, { status: string; reason?: string }> };
    assert.equal(body.checks['store']?.status, 'ok');
    assert.equal(body.checks['kafka']?.status, 'unavailable');
    assert.ok(body.checks['kafka']?.reason, 'with a reason');
  } finally {
    const started = Date.now();
    await gateway.close();
    await runtime.close();
    assert.ok(Date.now() - started < 20_000, `stopped in ${Date.now() - started} ms`);
    await database.drop();
  }
});
