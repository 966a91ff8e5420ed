/**
 * The secured broker (TLS + SASL/SCRAM-SHA-512 + StandardAuthorizer) and the component ACLs of
 * acls.ts, on a broker of its own: a connector's principal reads only its own delivery topic and
 * cannot write events; plaintext, anonymous and wrong-password clients are refused; a change
 * goes gateway → router → connector → receipt, each hop as its own principal.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { Consumer, stringDeserializer } from '@platformatic/kafka';
import { createBus, type Bus, type IncomingMessage, type KafkaSecurity } from '../../core/bus/index.ts';
import { createPlatformaticBus } from '../../core/bus/platformatic-bus.ts';
import { clientConnection } from '../../core/bus/security.ts';
import { createLogger } from '../../core/logger.ts';
import { consumerGroups, ensureTopics, topicNames } from '../../core/topics.ts';
import { eventually } from '@relais/connector-kit/testing';
import { aclBindings, applyAcls, componentGrants, connectorPrincipal } from './acls.ts';
import { startKafka, type KafkaCluster } from './kafka.ts';

const port = Number(process.env['RELAIS_TEST_SECURE_KAFKA_PORT'] ?? 19832);
const prefix = 'sec';
const topics = topicNames(prefix);
const groups = consumerGroups(prefix);
const logger = createLogger({ component: 'test', level: 'silent' });
let kafka: KafkaCluster;
let dir: string;
const buses: Bus[] = [];

function busAs(security: KafkaSecurity, clientId: string): Bus {
  // No producer retries: a refused publish fails now, not after five seconds of retrying.
  const bus = createPlatformaticBus({ brokers: [kafka.brokers], clientId, logger, security, producerRetries: 0 });
  buses.push(bus);
  return bus;
}
const as = (principal: string): KafkaSecurity => kafka.security.as(principal).security;

/** Reads one message from `topic` as `security` with no retries: the records, or the error. */
async function readOnce(security: KafkaSecurity, topic: string, groupId: string): Promise<Error | string[]> {
  const consumer = new Consumer<string, string, string, string>({
    clientId: 'acl-probe',
    groupId,
    bootstrapBrokers: [kafka.brokers],
    ...clientConnection(security),
    // A few retries: the first group of a new broker waits for its coordinator. Authorization
    // errors are not retried.
    retries: 5,
    retryDelay: 1000,
    deserializers: { key: stringDeserializer, value: stringDeserializer, headerKey: stringDeserializer, headerValue: stringDeserializer },
  });
  try {
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest' });
    const values: string[] = [];
    for await (const message of stream) {
      values.push(message.value);
      break;
    }
    await stream.close();
    return values;
  } catch (error) {
    return error as Error;
  } finally {
    await consumer.close(true).catch(() => undefined);
  }
}

const describe = (error: unknown): string => inspect(error, { depth: 12 });

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'relais-kafka-secure-'));
  kafka = await startKafka({
    port,
    dir,
    heapMiB: 384,
    security: 'sasl_ssl',
    principals: ['gateway', 'router', connectorPrincipal('alpha'), connectorPrincipal('beta')],
  });
  const admin = busAs(as('admin'), 'admin');
  await ensureTopics(admin, { topicPrefix: prefix, topicPartitions: 1, topicReplication: 1, topicMinInsyncReplicas: 1 }, ['alpha', 'beta']);
  await admin.publish([{ topic: topics.delivery('beta'), key: 'p', value: Buffer.from('"for beta"'), headers: {} }]);
  const grants = componentGrants(prefix, [
    { system: 'alpha', source: false },
    { system: 'beta', source: false },
  ]);
  await applyAcls([kafka.brokers], as('admin'), aclBindings(grants));
});

after(async () => {
  await Promise.all(buses.map((b) => b.close().catch(() => undefined)));
  await kafka?.stop();
  rmSync(dir, { recursive: true, force: true });
});

// The first consumer group of a fresh broker waits for its coordinator (tens of seconds on a busy machine).
test('a connector cannot read another system’s delivery topic, and reads its own', { timeout: 180_000 }, async () => {
  const other = await readOnce(as(connectorPrincipal('alpha')), topics.delivery('beta'), groups.sink('alpha'));
  assert.ok(other instanceof Error, 'alpha reading beta’s deliveries must fail');
  assert.match(describe(other), /AUTHORIZATION|authoriz/i);
  const own = await readOnce(as(connectorPrincipal('beta')), topics.delivery('beta'), groups.sink('beta'));
  assert.deepEqual(own, ['"for beta"']);
});

test('a sink connector cannot write events; the gateway can', { timeout: 60_000 }, async () => {
  const connector = busAs(as(connectorPrincipal('alpha')), 'alpha');
  await assert.rejects(connector.publish([{ topic: topics.events, key: 'p', value: Buffer.from('{}'), headers: {} }]), (error: unknown) =>
    /AUTHORIZATION|authoriz/i.test(describe(error)),
  );
  await busAs(as('gateway'), 'gateway').publish([{ topic: topics.events, key: 'p', value: Buffer.from('{}'), headers: {} }]);
});

test('plaintext, anonymous and wrong-password clients are refused', { timeout: 60_000 }, async () => {
  const admin = as('admin');
  if (admin.protocol !== 'sasl_ssl') throw new Error('the broker is not secured');
  await assert.rejects(createBus({ brokers: [kafka.brokers], clientId: 'plain', logger }).probe(3000), 'a plaintext client');
  const noSasl = createPlatformaticBus({ brokers: [kafka.brokers], clientId: 'tls-only', logger, security: { ...admin, password: '' } });
  buses.push(noSasl);
  await assert.rejects(noSasl.probe(3000), 'an empty password');
  await assert.rejects(busAs({ ...admin, password: 'not-the-password' }, 'wrong').probe(3000), 'a wrong password');
  await assert.rejects(busAs({ ...admin, username: 'nobody' }, 'unknown').probe(3000), 'an unknown user');
  await assert.rejects(
    busAs({ ...admin, ca: undefined as unknown as string }, 'untrusted').probe(3000),
    'a client that does not trust the local CA',
  );
});

test('a change flows gateway → router → connector → receipt, each as its own principal', { timeout: 90_000 }, async () => {
  const gateway = busAs(as('gateway'), 'gateway-flow');
  const router = busAs(as('router'), 'router-flow');
  const connector = busAs(as(connectorPrincipal('alpha')), 'alpha-flow');
  const receipts: IncomingMessage[] = [];
  const subscriptions = [
    await router.consume({
      groupId: groups.router,
      topics: [topics.events],
      fromBeginning: true,
      handler: async (batch, c) => {
        const changes = batch.filter((m) => m.key === 'flow');
        await router.publish(changes.map((m) => ({ topic: topics.delivery('alpha'), key: 'flow', value: m.value, headers: {} })));
        batch.forEach((m) => c.markProcessed(m));
      },
    }),
    await connector.consume({
      groupId: groups.sink('alpha'),
      topics: [topics.delivery('alpha')],
      fromBeginning: true,
      handler: async (batch, c) => {
        await connector.publish(
          batch.map((m) => ({ topic: topics.receipts, key: m.key ?? '', value: Buffer.from('"applied"'), headers: {} })),
        );
        batch.forEach((m) => c.markProcessed(m));
      },
    }),
    await gateway.consume({
      groupId: groups.receipts,
      topics: [topics.receipts],
      fromBeginning: true,
      handler: async (batch, c) => batch.forEach((m) => (receipts.push(m), c.markProcessed(m))),
    }),
  ];
  await gateway.publish([{ topic: topics.events, key: 'flow', value: Buffer.from('{"change":1}'), headers: {} }]);
  await eventually(async () => (receipts.some((r) => r.key === 'flow') ? true : undefined), 60_000, 'the receipt');
  await Promise.all(subscriptions.map((s) => s.close()));
});
