/**
 * Sealing without a store: AES-256-GCM round trips and refuses a changed bit, a wrong key or a
 * ciphertext moved to another record; the clear part of a record holds only the fields labelled
 * `none` (and the date of death, kept in clear on purpose); the key cache stays bounded and forgets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { open, seal } from './aead.ts';
import { BoundedCache } from './bounded-cache.ts';
import type { DataKey } from './citizen-keys.ts';
import { clearPart, openValue, sealedPayloadOf, sealValue, SEALED_MEMBER } from './sealed-data.ts';

const ADDRESS = 'fr.relais.citizen.address.changed.v1';
const address = {
  address: { number: '12', streetName: 'rue des Lilas', postcode: '69003', communeName: 'Lyon', communeInsee: '69383', country: 'FR' },
  effectiveDate: '2026-11-01',
};
const keyOf = (): DataKey => ({ id: randomUUID(), pivotId: randomUUID(), key: randomBytes(32) });

test('aead: a sealed buffer opens with its key and associated data, and with nothing else', () => {
  const key = randomBytes(32);
  const sealed = seal(key, Buffer.from('12 rue des Lilas'), 'change-1');
  assert.equal(open(key, sealed, 'change-1').toString(), '12 rue des Lilas');
  assert.throws(() => open(key, sealed, 'change-2'));
  assert.throws(() => open(randomBytes(32), sealed, 'change-1'));
  const flipped = Buffer.from(sealed);
  flipped[20] = flipped[20]! ^ 1;
  assert.throws(() => open(key, flipped, 'change-1'));
  assert.notDeepEqual(seal(key, Buffer.from('x'), 'a'), seal(key, Buffer.from('x'), 'a'), 'a fresh nonce every time');
});

test('clearPart keeps the fields labelled none, and the date of death on purpose', () => {
  assert.deepEqual(clearPart(ADDRESS, address), { effectiveDate: '2026-11-01' });
  assert.deepEqual(
    clearPart('fr.relais.citizen.death.registered.v1', {
      dateOfDeath: '2026-10-02',
      actReference: 'A-1',
      placeOfDeath: { communeName: 'Lyon' },
    }),
    { dateOfDeath: '2026-10-02' },
  );
  assert.deepEqual(clearPart('fr.unknown.v1', address), {}, 'an unknown type shows nothing');
});

test('sealValue: the clear part beside one sealed member; it opens only for its record', () => {
  const key = keyOf();
  const sealed = sealValue(key, 'change-1', address, clearPart(ADDRESS, address));
  assert.equal(sealed['effectiveDate'], '2026-11-01');
  assert.equal(JSON.stringify(sealed).includes('Lilas'), false, 'no personal value in clear');
  const payload = sealedPayloadOf(sealed);
  assert.ok(payload);
  assert.equal(payload.kid, key.id);
  assert.deepEqual(openValue(key, 'change-1', payload), address);
  assert.throws(() => openValue(key, 'change-2', payload), /does not open/);
  assert.throws(() => openValue({ ...key, pivotId: randomUUID() }, 'change-1', payload), /does not open/);
  assert.equal(sealedPayloadOf({ [SEALED_MEMBER]: { v: 2 } }), undefined);
  assert.equal(sealedPayloadOf(address), undefined);
});

test('BoundedCache: least recently used out first, entries expire', () => {
  let now = 0;
  const cache = new BoundedCache<string, number>(2, 1000, () => now);
  cache.set('a', 1);
  cache.set('b', 2);
  assert.equal(cache.get('a'), 1);
  cache.set('c', 3);
  assert.equal(cache.get('b'), undefined, 'b was the least recently used');
  assert.equal(cache.size, 2);
  now = 1000;
  assert.equal(cache.get('a'), undefined, 'expired');
  assert.equal(cache.get('c'), undefined);
});
