/**
 * routeBatch on real PostgreSQL (the identity map), without Kafka: what the router publishes for
 * a batch of events.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from '../core/bus/types.ts';
import { decodeDelivery, decodeReceipt, encodeCanonical, type CanonicalEvent } from '../core/envelopes.ts';
import { linkIdentifier } from '../identity/identity-store.ts';
import { createLogger } from '../core/logger.ts';
import { parseFlows } from '../core/flows/flows.ts';
import { topicNames } from '../core/topics.ts';
import { createTestDatabase, testReceiptKey, type TestDatabase } from '@relais/connector-kit/testing';
import { insertChange } from '../core/store/change-record.ts';
import { DEATH_REGISTERED_V1 } from '../schemas/index.ts';
import { routeBatch } from './router.ts';

const flows = parseFlows([
  {
    file: 'flows/router-test.yaml',
    text: `
systems:
  social-services: { connector: social-services }
  tax: { connector: tax }
  waste-management: { connector: waste-management }
routes:
  - id: address
    event: fr.relais.citizen.address.changed.v1
    basis: { kind: public-task, reference: some law }
    to:
      - { system: social-services, fields: [address.postcode, effectiveDate] }
      - { system: tax, audience: residents, fields: [address] }
      - { system: waste-management, fields: [address] }
`,
  },
]);
const topics = topicNames('rt');
let database: TestDatabase;
const known = randomUUID();

before(async () => {
  database = await createTestDatabase('postgres');
  await linkIdentifier(database.db, known, 'social-services', 'SS-1');
});
after(() => database.drop());

const data = { address: { streetName: 'rue A', postcode: '69003', communeName: 'Lyon', country: 'FR' }, effectiveDate: '2026-11-01' };

function incoming(event: Partial<CanonicalEvent>, offset = 0): IncomingMessage {
  const message = encodeCanonical(
    {
      id: randomUUID(),
      type: 'fr.relais.citizen.address.changed.v1',
      source: '/relais/gateway',
      pivotId: known,
      time: new Date().toISOString(),
      data,
      ...event,
    },
    topics.events,
  );
  return { ...message, partition: 0, offset: String(offset), timestamp: Date.now() };
}

const routerKey = testReceiptKey('router');
const route = (messages: IncomingMessage[]) =>
  routeBatch(
    { db: database.db, flows: () => flows, topics, logger: createLogger({ component: 'test', level: 'silent' }), receiptKey: routerKey },
    messages,
  );

test('each recipient gets its minimised delivery with its own identifier; a residents recipient without one a rejected receipt; a holders one without one nothing', async () => {
  const out = await route([incoming({})]);
  const delivery = out.find((m) => m.topic === topics.delivery('social-services'))!;
  const decoded = decodeDelivery(delivery);
  assert.equal(decoded.citizenId, 'SS-1');
  assert.deepEqual(decoded.data, { address: { postcode: '69003' }, effectiveDate: '2026-11-01' });
  assert.equal(out.filter((m) => m.topic === topics.delivery('tax')).length, 0, 'tax knows no identifier for this citizen');
  const receipts = out.filter((m) => m.topic === topics.receipts).map(decodeReceipt);
  assert.deepEqual(receipts.map((r) => [r.system, r.status]).sort(), [
    ['social-services', 'delivered'],
    ['tax', 'rejected'],
  ]);
  assert.match(receipts.find((r) => r.system === 'tax')!.reason ?? '', /IDENTITY_UNKNOWN/);
  // waste-management holds no file on this citizen and hears only of the citizens it holds one on: not concerned.
  assert.equal(out.filter((m) => m.topic === topics.delivery('waste-management')).length, 0);
  assert.notEqual(delivery.headers['traceparent'], undefined);
});

test('an event from a system is not routed back to it', async () => {
  const out = await route([incoming({ origin: 'social-services' })]);
  assert.equal(out.filter((m) => m.topic === topics.delivery('social-services')).length, 0);
});

test('invalid events go to the router DLQ with the reason, and the rest of the batch is routed', async () => {
  const badSubject = incoming({ pivotId: 'SS-000123' }, 1);
  const badData = incoming({ data: { address: { postcode: 'x' } } }, 2);
  const unknownType = incoming({ type: 'fr.relais.citizen.moon.landed.v1' }, 3);
  const good = incoming({}, 4);
  const out = await route([badSubject, badData, unknownType, good]);
  const dead = out.filter((m) => m.topic === topics.dlq('router'));
  assert.deepEqual(
    dead.map((m) => m.headers['relais_source_offset']),
    ['1', '2', '3'],
  );
  assert.deepEqual(
    dead.map((m) => m.headers['relais_error_code']),
    ['EVENT_INVALID', 'EVENT_INVALID', 'SCHEMA_UNKNOWN'],
  );
  assert.doesNotMatch(dead[0]!.headers['relais_error_message'] ?? '', /SS-000123/);
  assert.equal(out.filter((m) => m.topic === topics.delivery('social-services')).length, 1);
});

test("a delivery about a citizen whose death is registered carries the date, so no connector writes to the deceased's address", async () => {
  const deceased = randomUUID();
  await linkIdentifier(database.db, deceased, 'social-services', 'SS-DECEASED');
  await insertChange(database.db, {
    id: randomUUID(),
    type: DEATH_REGISTERED_V1,
    pivotId: deceased,
    caller: 'connector:civil-registry',
    originSystem: 'civil-registry',
    data: { dateOfDeath: '2026-11-20', placeOfDeath: { communeName: 'Lyon', country: 'FR' }, actReference: 'DC-1' },
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    requestHash: 'test',
    acceptedAt: new Date(),
    plannedSystems: [],
  });
  const out = await route([incoming({ pivotId: deceased }), incoming({}, 1)]);
  const deliveries = out.filter((m) => m.topic === topics.delivery('social-services')).map(decodeDelivery);
  assert.deepEqual(
    deliveries.map((d) => [d.citizenId, d.citizenDeceasedOn]),
    [
      ['SS-DECEASED', '2026-11-20'],
      ['SS-1', undefined],
    ],
  );
});
