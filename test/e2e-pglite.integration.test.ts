/**
 * The same flow with the embedded store (PGlite): the quick start's default, where no
 * database server runs. Everything else is as real as in e2e.integration.test.ts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { addressChange, settledAll, startStack, type Stack } from './support/stack.ts';

let stack: Stack;
before(async () => {
  stack = await startStack({ store: 'pglite' });
});
after(() => stack.stop());

test('with PGlite as the store, a posted change is applied in the simulator and shows applied', async () => {
  assert.equal(stack.relais.store, 'pglite');
  const posted = await stack.postChange(addressChange('SS-000456', 'avenue des Embarcadères'));
  assert.equal(posted.status, 202);
  const change = await stack.waitForStatus(posted.body.id, settledAll);
  assert.equal(change.status, 'completed');
  assert.equal((await stack.file('SS-000456')).adresse['libelleVoie'], 'avenue des Embarcadères');
});

test('with PGlite, a refusal is rejected with the reason and idempotent replays give the same change', async () => {
  const first = await stack.postChange(addressChange('SS-404405'), { 'idempotency-key': 'pglite-1' });
  const again = await stack.postChange(addressChange('SS-404405'), { 'idempotency-key': 'pglite-1' });
  assert.equal(again.body.id, first.body.id);
  const change = await stack.waitForStatus(first.body.id, settledAll);
  assert.equal(change.recipients[0]!.status, 'rejected');
  assert.match(change.recipients[0]!.reason ?? '', /DOSSIER_INCONNU/);
});
