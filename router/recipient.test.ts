/** Who a planned delivery goes to (router.ts recipientOf): the citizen, their family contact, or no one. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recipientOf } from './router.ts';

const pivotId = '3f0f8a4e-4d7a-4c55-9d57-0a9b5f3c1e21';
const contact = { name: 'Claire Martin', email: 'claire.martin@example.fr', relationship: 'fille', language: 'fr' as const };
const known = (withContact: boolean) => ({
  identifiers: new Map([[`${pivotId} email`, 'jeanne.martin@example.fr']]),
  deaths: new Map<string, string>(),
  familyContacts: new Map(withContact ? [[pivotId, contact]] : []),
});
const optedIn = { system: 'email', onDeath: 'family-contact' as const };

test('a living citizen: their own identifier, whatever the route says', () => {
  assert.deepEqual(recipientOf(optedIn, { pivotId }, undefined, known(true)), { citizenId: 'jeanne.martin@example.fr' });
});

test('a deceased citizen, the route opted in: the declared contact, never the deceased', () => {
  assert.deepEqual(recipientOf(optedIn, { pivotId }, '2026-11-20', known(true)), {
    citizenId: 'claire.martin@example.fr',
    familyContact: contact,
  });
});

test('a deceased citizen without a contact: no one (skip: not concerned, never a failure)', () => {
  assert.equal(recipientOf(optedIn, { pivotId }, '2026-11-20', known(false)), 'skip');
});

test('a deceased citizen, a route that did not opt in: the citizen identifier, which the connector refuses to write to', () => {
  assert.deepEqual(recipientOf({ system: 'email' }, { pivotId }, '2026-11-20', known(true)), { citizenId: 'jeanne.martin@example.fr' });
});
