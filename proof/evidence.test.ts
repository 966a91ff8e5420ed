import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { appendAudit } from '../core/audit/append.ts';
import { deliveredData, encodeReceipt, RECEIPT_SIGNATURE_HEADER, type Receipt } from '../core/envelopes.ts';
import { linkIdentifier } from '../identity/identity-store.ts';
import { generateSigningKeyPem, signingKeyFromPem, type SigningKey } from '../core/signing.ts';
import { insertChange } from '../core/store/change-record.ts';
import { openPglite, type Db } from '../core/store/db.ts';
import { migrate } from '../core/store/migrate.ts';
import { applyReceipts } from '../gateway/changes/receipts.ts';
import { exportEvidence, serialiseBundle, verifyEvidence } from './evidence.ts';

const SS = 'social-services';
const key = (signer: string) => signingKeyFromPem(generateSigningKeyPem(), signer);
const audit = key('audit');
const router = key('router');
const ss = key(SS);
const keys = [audit.publicJwk, router.publicJwk, ss.publicJwk];
const id = randomUUID();
const data = { address: { street: '1 rue de la Paix', postcode: '69003' }, effectiveDate: '2026-12-01' };
let db: Db;
let text: string;

function signed(receipt: Receipt, signer: SigningKey) {
  const message = encodeReceipt(receipt, { pivotId: randomUUID(), source: 's', topic: 'relais.receipts', signer });
  return {
    ...receipt,
    signed: { payload: message.value.toString('utf8'), signature: message.headers[RECEIPT_SIGNATURE_HEADER]!, kid: signer.kid },
  };
}

before(async () => {
  db = await openPglite('memory://');
  await migrate(db);
  const pivotId = randomUUID();
  await linkIdentifier(db, pivotId, SS, 'SS-1');
  await db.transaction(async (tx) => {
    await appendAudit(tx, { actor: 'someone', action: 'dlq.replayed', details: { system: 'tax' } });
    await insertChange(tx, {
      id,
      type: 'fr.relais.citizen.address.changed.v1',
      pivotId,
      channel: 'web',
      caller: 'portal',
      data,
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      requestHash: 'h',
      acceptedAt: new Date(),
      plannedSystems: [SS],
    });
  });
  // Another citizen's entry after it: in the excerpt by its digest only.
  await db.transaction((tx) => appendAudit(tx, { actor: 'agent-7', action: 'identity.review.matched', pivotId: randomUUID() }));
  const at = new Date().toISOString();
  const sent = deliveredData({ address: { postcode: '69003' }, effectiveDate: '2026-12-01' });
  const route = 'address-to-social-services';
  await applyReceipts(db, [
    signed({ eventId: id, system: SS, status: 'delivered', at, route, legalBasis: 'legal-obligation: CASF L.262-1', ...sent }, router),
    signed({ eventId: id, system: SS, status: 'applied', at, route, dataDigest: sent.dataDigest }, ss),
  ]);
  text = serialiseBundle(await exportEvidence(db, id, audit));
});

after(() => db.close());

test('an evidence bundle verifies offline with the public keys alone', () => {
  const bundle = verifyEvidence(text, keys);
  assert.equal(bundle.change.id, id);
  assert.deepEqual(bundle.change.data, data);
  assert.deepEqual(bundle.deliveries, [
    {
      system: SS,
      status: 'applied',
      route: 'address-to-social-services',
      legalBasis: 'legal-obligation: CASF L.262-1',
      fields: ['address.postcode', 'effectiveDate'],
      dataDigest: bundle.deliveries[0]!.dataDigest,
    },
  ]);
  assert.equal(bundle.receipts.length, 2);
  // Other entries of the chain appear by digest only: no one else's details.
  const others = bundle.audit.links.filter((link) => !('entry' in link));
  assert.ok(others.length >= 1);
  assert.doesNotMatch(text, /agent-7/);
});

test('changing any byte of the bundle makes verification fail', () => {
  const bytes = Buffer.from(text, 'utf8');
  const accepted: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const changed = Buffer.from(bytes);
    changed[i] = changed[i]! ^ 0x01;
    try {
      verifyEvidence(changed.toString('utf8'), keys);
      accepted.push(i);
    } catch (error) {
      assert.equal((error as { code?: string }).code, 'EVIDENCE_INVALID');
    }
  }
  assert.deepEqual(accepted, [], `${accepted.length} of ${bytes.length} altered bytes went unnoticed`);
});

test('without the right public keys nothing verifies', () => {
  assert.throws(
    () => verifyEvidence(text, [key('audit').publicJwk, router.publicJwk, ss.publicJwk]),
    /signature: key audit-.* is not published/,
  );
  assert.throws(() => verifyEvidence(text, [audit.publicJwk, router.publicJwk]), /a receipt: key social-services-.* is not published/);
});
