/**
 * A small real stack for the privacy tests: PostgreSQL, the test broker, the gateway's app,
 * outbox relay and receipts consumer, and the router, on the shipped flows and rights file.
 * Connectors are stood in for by signed receipts (or started by the test itself).
 */
import { randomUUID } from 'node:crypto';
import { Admin } from '@platformatic/kafka';
import { clientConnection, kafkaSecurityFromEnv } from '../../core/bus/index.ts';
import type { Bus } from '../../core/bus/types.ts';
import { encodeReceipt, type Receipt } from '../../core/envelopes.ts';
import { loadFlows } from '../../core/flows/flows.ts';
import { createLogger } from '../../core/logger.ts';
import type { SigningKey } from '../../core/signing.ts';
import { topicNames, type TopicNames } from '../../core/topics.ts';
import { createApp } from '../../gateway/app.ts';
import { Authenticator, sha256Hex, type Credential } from '../../gateway/auth.ts';
import { OutboxRelay } from '../../gateway/outbox-relay.ts';
import { ReceiptVerifier } from '../../gateway/receipt-signatures.ts';
import { startReceiptsConsumer } from '../../gateway/receipts-consumer.ts';
import { loadRights } from '../../gateway/rights/rights.ts';
import { startRouter } from '../../router/router.ts';
import { listen } from './http.ts';
import {
  createTestDatabase,
  ensureTestTopics,
  testBrokers,
  testBus,
  testReceiptKey,
  uniquePrefix,
  type TestDatabase,
} from '@relais/connector-kit/testing';

export const SYSTEMS = ['social-services', 'school-catering', 'tax', 'waste-management', 'email', 'civil-registry'];

export interface PrivacyStack {
  url: string;
  database: TestDatabase;
  bus: Bus;
  topics: TopicNames;
  prefix: string;
  keys: Record<string, SigningKey>;
  /** A signed receipt from a system's connector (what a connector would say). */
  connectorSays(receipt: Omit<Receipt, 'at'>, pivotId: string): Promise<void>;
  call(who: string, method: string, path: string, options?: { body?: object; headers?: Record<string, string> }): Promise<Answer>;
  close(): Promise<void>;
}

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

export const credential = (name: string, scopes: Credential['scopes'], extra: Partial<Credential> = {}): Credential => ({
  name,
  tokenSha256: sha256Hex(`${name}-token`),
  scopes,
  ...extra,
});

export async function startPrivacyStack(name: string, credentials: Credential[]): Promise<PrivacyStack> {
  const flows = loadFlows('flows');
  const rights = loadRights('flows/rights.yaml', flows);
  const logger = createLogger({ component: 'test', level: 'silent' });
  const prefix = uniquePrefix(name);
  const topics = topicNames(prefix);
  const database = await createTestDatabase('postgres');
  const bus = testBus(undefined, name);
  await ensureTestTopics(bus, prefix, SYSTEMS, 1);
  const keys: Record<string, SigningKey> = Object.fromEntries(['router', ...SYSTEMS].map((s) => [s, testReceiptKey(s)]));
  const relay = new OutboxRelay({ db: database.db, bus, logger, batchSize: 50, pollMs: 50, leaseMs: 5000 });
  relay.start();
  const router = await startRouter({
    bus,
    db: database.db,
    flows: () => flows,
    topics,
    groupId: `${prefix}-router`,
    logger,
    receiptKey: keys['router']!,
  });
  const receipts = await startReceiptsConsumer({
    bus,
    db: database.db,
    topics,
    groupId: `${prefix}-receipts`,
    logger,
    verifier: new ReceiptVerifier(() => Object.values(keys).map((k) => k.publicJwk)),
    flows: () => flows,
  });
  await Promise.all([router.ready, receipts.ready]);
  const server = await listen(
    createApp({
      db: database.db,
      flows: () => flows,
      rights,
      topics,
      auth: new Authenticator(credentials),
      logger,
      maxBodyBytes: 65536,
      onChangeAccepted: () => relay.nudge(),
    }),
  );
  return {
    url: server.url,
    database,
    bus,
    topics,
    prefix,
    keys,
    async connectorSays(receipt, pivotId) {
      const signer = keys[receipt.system]!;
      await bus.publish([
        encodeReceipt(
          { ...receipt, at: new Date().toISOString() },
          { pivotId, source: `/connectors/${receipt.system}`, topic: topics.receipts, signer },
        ),
      ]);
    },
    async call(who, method, path, options = {}) {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${who}-token`,
          ...(options.body ? { 'content-type': 'application/json', 'idempotency-key': randomUUID() } : {}),
          ...options.headers,
        },
        ...(options.body ? { body: JSON.stringify(options.body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    },
    async close() {
      await server.close();
      await receipts.close();
      await router.stop();
      await relay.stop();
      await bus.close();
      await database.drop();
    },
  };
}

/**
 * Shortens a topic's retention to a second and drops what it holds (what the broker's retention
 * check does once segments are past retention; its interval is minutes, so the test does not
 * wait for it). Returns the topic's low and high watermarks afterwards.
 */
export async function expireTopic(topic: string): Promise<{ low: bigint; high: bigint }> {
  const admin = new Admin({ clientId: 'privacy-test-admin', bootstrapBrokers: testBrokers(), ...clientConnection(kafkaSecurityFromEnv()) });
  try {
    await admin.incrementalAlterConfigs({
      resources: [
        {
          resourceType: 2, // TOPIC
          resourceName: topic,
          configs: [
            { name: 'retention.ms', configOperation: 0, value: '1000' },
            { name: 'segment.ms', configOperation: 0, value: '1000' },
          ],
        },
      ],
    });
    const high = async () =>
      (await admin.listOffsets({ topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -1n }] }] }))[0]!.partitions[0]!
        .offset;
    const end = await high();
    const deleted = await admin.deleteRecords({ topics: [{ name: topic, partitions: [{ partition: 0, offset: end }] }] });
    return { low: deleted[0]!.partitions[0]!.lowWatermark, high: await high() };
  } finally {
    await admin.close();
  }
}

/** The topic's retention.ms as the broker describes it. */
export async function retentionOf(topic: string): Promise<string | undefined> {
  const admin = new Admin({ clientId: 'privacy-test-admin', bootstrapBrokers: testBrokers(), ...clientConnection(kafkaSecurityFromEnv()) });
  try {
    const [description] = await admin.describeConfigs({
      resources: [{ resourceType: 2, resourceName: topic, configurationKeys: ['retention.ms'] }],
    });
    return description?.configs.find((c) => c.name === 'retention.ms')?.value ?? undefined;
  } finally {
    await admin.close();
  }
}
