import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Bus } from '../core/bus/types.ts';
import { encodeReceipt, RECEIPT_SIGNATURE_HEADER, type Receipt } from '../core/envelopes.ts';
import { linkIdentifier } from '../identity/identity-store.ts';
import { createLogger } from '../core/logger.ts';
import type { PublicJwk, SigningKey } from '../core/signing.ts';
import { insertChange } from '../core/store/change-record.ts';
import { topicNames } from '../core/topics.ts';
import {
  createTestDatabase,
  ensureTestTopics,
  eventually,
  testBus,
  testReceiptKey,
  type TestDatabase,
  uniquePrefix,
} from '@relais/connector-kit/testing';
import { ReceiptVerifier } from './receipt-signatures.ts';
import { startReceiptsConsumer } from './receipts-consumer.ts';

const SS = 'social-services';
const prefix = uniquePrefix('receipt-signatures');
const topics = topicNames(prefix);
const router = testReceiptKey('router');
const ssKey = testReceiptKey(SS);
const taxKey = testReceiptKey('tax');
/** What the gateway trusts, as the JWKS file would say it; a rotation edits it. */
let published: PublicJwk[] = [router.publicJwk, ssKey.publicJwk, taxKey.publicJwk];
const refused: string[] = [];
let database: TestDatabase;
let bus: Bus;
let consumer: { close(): Promise<void> };

before(async () => {
  database = await createTestDatabase();
  bus = testBus(undefined, 'receipt-signatures');
  await ensureTestTopics(bus, prefix, [SS], 1);
  consumer = await startReceiptsConsumer({
    bus,
    db: database.db,
    topics,
    groupId: `${prefix}-gateway`,
    logger: createLogger({ component: 'test', level: 'silent' }),
    verifier: new ReceiptVerifier(() => published, { maxAgeMs: 1000 }),
    metrics: { refused: (system, reason) => refused.push(`${system}:${reason}`) },
  });
});

after(async () => {
  await consumer.close();
  await bus.close();
  await database.drop();
});

async function newChange(): Promise<string> {
  const id = randomUUID();
  const pivotId = randomUUID();
  await linkIdentifier(database.db, pivotId, SS, `SS-${id}`);
  await database.db.transaction((tx) =>
    insertChange(tx, {
      id,
      type: 'fr.relais.test.v1',
      pivotId,
      caller: 'test',
      data: {},
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      requestHash: 'h',
      acceptedAt: new Date(),
      plannedSystems: [SS],
    }),
  );
  return id;
}

function receipt(eventId: string, status: Receipt['status'], signer: SigningKey, system = SS) {
  return encodeReceipt(
    { eventId, system, status, at: new Date().toISOString() },
    { pivotId: randomUUID(), source: `/connectors/${system}`, topic: topics.receipts, signer },
  );
}

async function statusOf(id: string): Promise<string | undefined> {
  const rows = await database.db.query<{ status: string }>('SELECT status FROM change_recipients WHERE change_id = $1 AND system = $2', [
    id,
    SS,
  ]);
  return rows.rows[0]?.status;
}

test('a receipt with a wrong, missing or foreign signature is refused, counted, and changes no status', async () => {
  const id = await newChange();
  const forged = receipt(id, 'applied', ssKey);
  const tampered = { ...forged, value: Buffer.from(forged.value.toString('utf8').replace('"applied"', '"rejected"')) };
  const unsigned = receipt(id, 'applied', ssKey);
  delete unsigned.headers[RECEIPT_SIGNATURE_HEADER];
  await bus.publish([
    { ...tampered, headers: { ...forged.headers } }, // signature over another value
    unsigned,
    receipt(id, 'applied', taxKey), // tax's key speaking for social services
    receipt(id, 'applied', testReceiptKey(SS)), // a key nobody published
    receipt(id, 'applied', router), // the router may not say `applied`
  ]);
  await eventually(async () => (refused.length >= 5 ? true : undefined), 30_000, 'five refusals');
  assert.deepEqual(
    refused.sort(),
    [`${SS}:missing`, `${SS}:mismatch`, `${SS}:unknown-key`, `${SS}:wrong-signer`, `${SS}:wrong-signer`].sort(),
  );
  assert.equal(await statusOf(id), 'pending');
  const kept = await database.db.query('SELECT 1 FROM receipt_evidence WHERE change_id = $1', [id]);
  assert.equal(kept.rowCount, 0);

  // The genuine one is applied, and kept with its signature as evidence.
  await bus.publish([receipt(id, 'delivered', router), receipt(id, 'applied', ssKey)]);
  await eventually(async () => ((await statusOf(id)) === 'applied' ? true : undefined), 30_000, 'applied');
  const evidence = await database.db.query<{ status: string; key_id: string }>(
    'SELECT status, key_id FROM receipt_evidence WHERE change_id = $1 ORDER BY status',
    [id],
  );
  assert.deepEqual(evidence.rows, [
    { status: 'applied', key_id: ssKey.kid },
    { status: 'delivered', key_id: router.kid },
  ]);
});

test('a key rotation: the new key is published first, then the old one withdrawn', async () => {
  const next = testReceiptKey(SS);
  // The connector signs with its new key before the JWKS lists it: refused (and counted).
  const early = await newChange();
  refused.length = 0;
  await bus.publish([receipt(early, 'applied', next)]);
  await eventually(async () => (refused.length === 1 ? true : undefined), 30_000, 'refusal');
  assert.deepEqual(refused, [`${SS}:unknown-key`]);
  // Published: the gateway reads the keys again on an unknown key id, without a restart.
  published = [...published, next.publicJwk];
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const during = await newChange();
  await bus.publish([receipt(during, 'applied', next), receipt(early, 'applied', ssKey)]);
  await eventually(
    async () => ((await statusOf(during)) === 'applied' && (await statusOf(early)) === 'applied' ? true : undefined),
    30_000,
  );
  // The old key withdrawn: what it signs from now on is refused.
  published = published.filter((key) => key.kid !== ssKey.kid);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const afterwards = await newChange();
  refused.length = 0;
  await bus.publish([receipt(afterwards, 'applied', ssKey)]);
  await eventually(async () => (refused.length === 1 ? true : undefined), 30_000, 'refusal');
  assert.deepEqual(refused, [`${SS}:unknown-key`]);
  assert.equal(await statusOf(afterwards), 'pending');
});
