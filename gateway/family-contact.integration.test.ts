/**
 * A citizen's family contact through the gateway, against real PostgreSQL: declared, replaced,
 * read and withdrawn by a role the rights file allows, each step in the audit log without the
 * contact's data; refused with a 403 naming the rule to a credential that may not declare
 * contacts (and nothing stored); a bad body is a 422 naming the field.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeCitizens } from '../identity/crosswalk.ts';
import { linkIdentifier } from '../identity/identity-store.ts';
import { createTestDatabase, type TestDatabase } from '@relais/connector-kit/testing';
import { agentCredential, startTestGateway, type TestGateway } from '../test/support/gateway.ts';

const jeanne = '6f1c1a52-8a47-4c3e-9a43-5d8f1a0c2b11';
const path = `/v1/citizens/${jeanne}/family-contact`;
const claire = { name: 'Claire Martin', email: 'claire.martin@example.fr', relationship: 'fille', language: 'fr' };

let database: TestDatabase;
let gateway: TestGateway;
const call: TestGateway['call'] = (...args) => gateway.call(...args);

before(async () => {
  database = await createTestDatabase('postgres');
  await linkIdentifier(database.db, jeanne, 'social-services', 'SS-000123');
  gateway = await startTestGateway(database.db, [
    agentCredential('counter', ['citizens:read', 'citizens:write'], ['front-desk-agent']),
    // Holds the scopes but not the right: the rights file decides.
    agentCredential('operator', ['citizens:read', 'citizens:write'], ['operator']),
  ]);
});

after(async () => {
  await gateway.close();
  await database.drop();
});

const audited = async (action: string) =>
  (
    await database.db.query<{ actor: string; pivot_id: string | null; details: Record<string, unknown> }>(
      'SELECT actor, pivot_id, details FROM audit_log WHERE action = $1 ORDER BY id',
      [action],
    )
  ).rows;

test('a credential not allowed to declare contacts: 403 naming the rule, audited, nothing stored', async () => {
  const refused = await call('operator', 'PUT', path, claire);
  assert.equal(refused.status, 403);
  assert.match(refused.type, /^application\/problem\+json/);
  assert.equal(refused.body['code'], 'rights-refused');
  assert.equal(refused.body['rule'], 'declare:family-contacts');
  assert.match(String(refused.body['detail']), /may not declare family-contacts \(roles\.operator at flows\/rights\.yaml:\d+\)/);
  const read = await call('operator', 'GET', path);
  assert.deepEqual([read.status, read.body['rule']], [403, 'read:family-contacts']);
  assert.equal((await database.db.query('SELECT 1 FROM family_contacts')).rows.length, 0);
  assert.deepEqual(
    (await audited('rights.refused')).map((e) => [e.actor, e.pivot_id, e.details['rule']]),
    [
      ['operator', jeanne, 'declare:family-contacts'],
      ['operator', jeanne, 'read:family-contacts'],
    ],
  );
});

test('declared (201), replaced (200), read and withdrawn (204) by a counter agent; every step audited without the data', async () => {
  const declared = await call('counter', 'PUT', path, claire);
  assert.equal(declared.status, 201);
  assert.deepEqual(
    { ...declared.body, declaredAt: undefined },
    { pivotId: jeanne, ...claire, declaredBy: 'counter', declaredAt: undefined },
  );
  const replaced = await call('counter', 'PUT', path, { ...claire, language: 'en', name: 'Claire M.' });
  assert.equal(replaced.status, 200);
  const read = await call('counter', 'GET', path);
  assert.equal(read.status, 200);
  assert.deepEqual([read.body['name'], read.body['language']], ['Claire M.', 'en']);
  assert.equal((await call('counter', 'DELETE', path)).status, 204);
  assert.equal((await call('counter', 'GET', path)).status, 404);
  assert.equal((await call('counter', 'DELETE', path)).status, 404);

  for (const action of ['family-contact.declared', 'family-contact.replaced', 'family-contact.withdrawn']) {
    const [entry, ...more] = await audited(action);
    assert.equal(more.length, 0, action);
    assert.equal(entry?.pivot_id, jeanne);
    assert.equal(entry?.details['grant'], 'roles.front-desk-agent.declare.family-contacts');
    assert.ok(!JSON.stringify(entry).includes('claire'), `${action}: no personal data in the audit entry`);
  }
  const reads = await audited('personal-data.read');
  assert.deepEqual(
    reads.map((r) => [r.details['operation'], r.details['grant']]),
    [['GET /v1/citizens/{pivotId}/family-contact', 'roles.front-desk-agent.read.family-contacts']],
  );
});

test('refusals name the field: a bad body is a 422 on its pointer, an unknown citizen a 404 on /pivotId', async () => {
  const bad = await call('counter', 'PUT', path, { ...claire, email: 'not-an-address', language: 'de' });
  assert.equal(bad.status, 422);
  const fields = (bad.body['errors'] as { field: string }[]).map((e) => e.field).sort();
  assert.deepEqual(fields, ['/email', '/language']);
  const missing = await call('counter', 'PUT', path, { name: 'X', email: 'x@example.fr', language: 'fr' });
  assert.deepEqual(
    (missing.body['errors'] as { field: string }[]).map((e) => e.field),
    ['/relationship'],
  );
  const unknown = await call('counter', 'PUT', '/v1/citizens/11111111-2222-4333-8444-555555555555/family-contact', claire);
  assert.equal(unknown.status, 404);
  assert.deepEqual(unknown.body['errors'], [{ field: '/pivotId', message: 'unknown pivot id' }]);
  assert.equal((await call('counter', 'GET', '/v1/citizens/not-a-uuid/family-contact')).status, 400);
});

test('a merged citizen: the contact follows the person, and the merged pivot id reads the one kept', async () => {
  const twin = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
  await linkIdentifier(database.db, twin, 'waste-management', 'USG-000999');
  assert.equal((await call('counter', 'PUT', `/v1/citizens/${twin}/family-contact`, claire)).status, 201);
  await database.db.transaction((tx) => mergeCitizens(tx, { from: twin, into: jeanne }, { actor: 'test' }));
  const read = await call('counter', 'GET', `/v1/citizens/${twin}/family-contact`);
  assert.deepEqual([read.status, read.body['pivotId'], read.body['email']], [200, jeanne, claire.email]);
});
