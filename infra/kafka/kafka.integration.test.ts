/**
 * The launcher itself, and the client against the 4.1.x line (the default broker is 3.9.x;
 * DESIGN.md asks CI to prove the client on 4.1.x too): start a fresh 4.1.1 broker from the
 * Maven jars, secured (TLS, SCRAM, StandardAuthorizer), create a topic, publish and consume
 * through the bus as the super user, stop it cleanly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage } from '../../core/bus/types.ts';
import { eventually, testBus } from '@relais/connector-kit/testing';
import { portIsOpen, startKafka } from './kafka.ts';

test('Kafka 4.1.1 from Maven jars: starts secured, serves the bus, stops cleanly', { timeout: 180_000 }, async () => {
  const port = Number(process.env['RELAIS_TEST_KAFKA41_PORT'] ?? 19792);
  const dir = mkdtempSync(join(tmpdir(), 'relais-kafka41-'));
  const started = Date.now();
  const kafka = await startKafka({ version: '4.1.1', port, dir, heapMiB: 384, security: 'sasl_ssl' });
  const startMs = Date.now() - started;
  const bus = testBus([kafka.brokers], 'test', kafka.security.as('admin').security);
  try {
    await bus.ensureTopics([{ name: 'probe', partitions: 2, replicationFactor: 1, configs: { 'min.insync.replicas': '1' } }]);
    await bus.publish([{ topic: 'probe', key: 'k', value: Buffer.from('{"ok":true}'), headers: { ce_id: 'probe-1' } }]);
    const seen: IncomingMessage[] = [];
    const sub = await bus.consume({
      groupId: 'probe',
      topics: ['probe'],
      handler: async (b, c) => b.forEach((m) => (seen.push(m), c.markProcessed(m))),
    });
    await eventually(async () => (seen.length === 1 ? true : undefined), 30_000, 'the probe message');
    await sub.close();
    assert.equal(seen[0]!.headers['ce_id'], 'probe-1');
  } finally {
    await bus.close();
    await kafka.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(await portIsOpen(port), false, 'the broker is gone after stop()');
  assert.equal(kafka.pids().length, 0);
  console.log(`# Kafka 4.1.1 ready in ${startMs} ms`);
});
