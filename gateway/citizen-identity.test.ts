/**
 * A citizen's token: the identity claims FranceConnect vouches for become the civil data the
 * register is asked about, and only a citizen's token carries them (callerOf); a token with a
 * pivot id of its own is not matched again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { civilClaimsOf } from './citizen-identity.ts';
import { callerOf } from './oidc.ts';

const jeanne = {
  sub: 'jeanne.martin',
  given_name: 'Jeanne Marie',
  family_name: 'MARTIN',
  birthdate: '1948-05-02',
  birthplace: '69123',
  birthcountry: '99100',
};

test('the identity pivot claims become civil data: given names in order, the birth place by its INSEE code', () => {
  assert.deepEqual(civilClaimsOf(jeanne), {
    birthName: 'MARTIN',
    givenNames: ['Jeanne', 'Marie'],
    dateOfBirth: '1948-05-02',
    placeOfBirth: { communeName: '69123', communeInsee: '69123', country: 'FR' },
  });
});

test('a missing or malformed claim is no civil identity (such a token stands for no one)', () => {
  assert.equal(civilClaimsOf({ ...jeanne, birthdate: '02/05/1948' }), undefined);
  assert.equal(civilClaimsOf({ ...jeanne, family_name: ' ' }), undefined);
  assert.equal(civilClaimsOf({ ...jeanne, birthplace: undefined }), undefined);
  // Born abroad: the country stands for the place.
  assert.deepEqual(civilClaimsOf({ ...jeanne, birthplace: '', birthcountry: '99134' })?.placeOfBirth, {
    communeName: '99134',
    country: '99134',
  });
});

test("only a citizen's token carries civil data; a pivot id claim wins", () => {
  assert.deepEqual(callerOf({ ...jeanne, roles: ['citizen'] }, 'roles')?.civil?.birthName, 'MARTIN');
  assert.equal(callerOf({ ...jeanne, roles: ['front-desk-agent'] }, 'roles')?.civil, undefined);
  const claimed = callerOf({ ...jeanne, roles: ['citizen'], relais_pivot_id: '6F1C2B9E-0D3A-4C55-9A43-2F7E8D1B0C11' }, 'roles');
  assert.equal(claimed?.pivotId, '6f1c2b9e-0d3a-4c55-9a43-2f7e8d1b0c11');
  assert.equal(claimed?.civil, undefined);
});
