/**
 * A breaking change is a new version of the event type (docs/events.md). During the migration
 * producers send both, and the router delivers v1 and v2 side by side, each through the route
 * that names its version — on the real broker.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { decodeDelivery, encodeCanonical } from '../core/envelopes.ts';
import { linkIdentifier } from '../identity/identity-store.ts';
import { createLogger } from '../core/logger.ts';
import { parseFlows } from '../core/flows/flows.ts';
import { topicNames } from '../core/topics.ts';
import { eventSchema, registerEventSchema } from '../schemas/index.ts';
import {
  createTestDatabase,
  ensureTestTopics,
  readTopic,
  testBus,
  testReceiptKey,
  type TestDatabase,
  uniquePrefix,
} from '@relais/connector-kit/testing';
import { startRouter } from './router.ts';

const V1 = 'fr.relais.citizen.address.changed.v1';
const V2 = 'fr.relais.citizen.address.changed.v2';

/** A v2 that BACKWARD mode refuses as a change to v1: `effectiveDate` renamed `movedOn`. */
function registerV2(): void {
  const v1 = eventSchema(V1)!;
  const { effectiveDate, ...properties } = v1['properties'] as Record<string, unknown>;
  registerEventSchema({
    ...v1,
    $id: String(v1.$id).replace('.v1.json', '.v2.json'),
    title: 'Address changed (v2)',
    required: ['address', 'movedOn'],
    properties: { ...properties, movedOn: effectiveDate },
  });
}

let database: TestDatabase;
const pivotId = randomUUID();

before(async () => {
  registerV2();
  database = await createTestDatabase('postgres');
  await linkIdentifier(database.db, pivotId, 'social-services', 'SS-2');
});
after(() => database.drop());

test('v1 and v2 of an event type are delivered side by side, each by the route naming its version', async () => {
  const flows = parseFlows([
    {
      file: 'flows/migration.yaml',
      text: `
systems:
  social-services: { connector: social-services }
routes:
  - id: address-v1
    event: ${V1}
    basis: { kind: public-task, reference: some law }
    to: [{ system: social-services, fields: [address.postcode, effectiveDate] }]
  - id: address-v2
    event: ${V2}
    basis: { kind: public-task, reference: some law }
    to: [{ system: social-services, fields: [address.postcode, movedOn] }]
`,
    },
  ]);
  const prefix = uniquePrefix('versions');
  const topics = topicNames(prefix);
  const bus = testBus(undefined, 'versions');
  await ensureTestTopics(bus, prefix, ['social-services'], 1);
  const router = await startRouter({
    bus,
    db: database.db,
    flows: () => flows,
    topics,
    groupId: `${prefix}-router`,
    logger: createLogger({ component: 'test', level: 'silent' }),
    receiptKey: testReceiptKey('router'),
  });
  try {
    await router.ready;
    const address = { streetName: 'rue A', postcode: '69003', communeName: 'Lyon', country: 'FR' };
    const event = (type: string, data: object) => ({
      id: randomUUID(),
      type,
      source: '/test',
      pivotId,
      time: new Date().toISOString(),
      data,
    });
    const v1 = event(V1, { address, effectiveDate: '2026-11-01' });
    const v2 = event(V2, { address, movedOn: '2026-11-02' });
    await bus.publish([encodeCanonical(v1, topics.events), encodeCanonical(v2, topics.events)]);

    const messages = await readTopic(topics.delivery('social-services'), (all) => all.length >= 2);
    const deliveries = messages.map(decodeDelivery);
    assert.deepEqual(
      deliveries.map((d) => [d.eventId, d.type, d.routeId, d.data]),
      [
        [v1.id, V1, 'address-v1', { address: { postcode: '69003' }, effectiveDate: '2026-11-01' }],
        [v2.id, V2, 'address-v2', { address: { postcode: '69003' }, movedOn: '2026-11-02' }],
      ],
    );
    assert.deepEqual(
      messages.map((m) => m.headers['ce_type']),
      [V1, V2],
    );
  } finally {
    await router.stop();
    await bus.close();
  }
});
