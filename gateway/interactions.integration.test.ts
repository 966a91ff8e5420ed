/**
 * A citizen's contacts that are not changes, through the gateway against real PostgreSQL: the
 * rights file decides who logs and reads them (403 naming the rule, refusal audited, nothing
 * stored), each write and read is audited without the subject or the note, every field of the
 * resource carries its personal-data label, and the timeline shows each contact (channel and
 * subject, never the note) beside the citizen's changes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeCitizens } from '../identity/crosswalk.ts';
import { linkIdentifier } from '../identity/identity-store.ts';
import { labelProblems } from '../schemas/pii.ts';
import { createTestDatabase, type TestDatabase } from '@relais/connector-kit/testing';
import { agentCredential, startTestGateway, type TestGateway } from '../test/support/gateway.ts';
import { openApiDocument } from './api-document.ts';

const jeanne = '6f1c1a52-8a47-4c3e-9a43-5d8f1a0c2b11';
const other = '0b6f3a1e-7d4c-4e2a-9b1f-3c5d7e9f1a2b';
const path = `/v1/citizens/${jeanne}/interactions`;
const call1 = { channel: 'phone', subject: 'Question sur la collecte des encombrants', note: 'Rappeler lundi après-midi' };

let database: TestDatabase;
let gateway: TestGateway;
const call: TestGateway['call'] = (...args) => gateway.call(...args);

before(async () => {
  database = await createTestDatabase('postgres');
  await linkIdentifier(database.db, jeanne, 'social-services', 'SS-000123');
  await linkIdentifier(database.db, other, 'social-services', 'SS-000456');
  gateway = await startTestGateway(database.db, [
    agentCredential('counter', ['citizens:read', 'citizens:write', 'changes:write'], ['front-desk-agent']),
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
    await database.db.query<{ actor: string; pivot_id: string | null; channel: string | null; details: Record<string, unknown> }>(
      'SELECT actor, pivot_id, channel, details FROM audit_log WHERE action = $1 ORDER BY id',
      [action],
    )
  ).rows;

/** An address change told at the counter for `pivotId`; its id. */
async function addressChange(pivotId: string): Promise<string> {
  const accepted = await call('counter', 'POST', '/v1/changes', {
    type: 'fr.relais.citizen.address.changed.v1',
    citizen: { pivotId },
    channel: 'desk',
    data: {
      address: { number: '3', streetName: 'rue Garibaldi', postcode: '69003', communeName: 'Lyon', communeInsee: '69383', country: 'FR' },
      effectiveDate: '2026-12-01',
    },
  });
  assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
  return String(accepted.body['id']);
}

test('rights: a role without the right gets a 403 naming the rule, the refusal is audited, nothing is stored', async () => {
  const refused = await call('operator', 'POST', path, call1);
  assert.equal(refused.status, 403);
  assert.equal(refused.body['code'], 'rights-refused');
  assert.equal(refused.body['rule'], 'declare:interactions');
  assert.match(String(refused.body['detail']), /may not declare interactions \(roles\.operator at flows\/rights\.yaml:\d+\)/);
  const read = await call('operator', 'GET', path);
  assert.deepEqual([read.status, read.body['rule']], [403, 'read:interactions']);
  assert.equal((await database.db.query('SELECT 1 FROM interactions')).rows.length, 0);
  assert.deepEqual(
    (await audited('rights.refused')).map((e) => [e.actor, e.pivot_id, e.details['rule']]),
    [
      ['operator', jeanne, 'declare:interactions'],
      ['operator', jeanne, 'read:interactions'],
    ],
  );
});

test('audit: a logged call and a read are audited with the grant, never the subject or the note', async () => {
  const changeId = await addressChange(jeanne);
  const logged = await call('counter', 'POST', path, { ...call1, changeIds: [changeId] });
  assert.equal(logged.status, 201, JSON.stringify(logged.body));
  assert.equal(logged.body['agent'], 'counter');
  assert.deepEqual(logged.body['changeIds'], [changeId]);
  const list = await call('counter', 'GET', path);
  assert.equal(list.status, 200);
  const [first] = list.body['interactions'] as Record<string, unknown>[];
  assert.deepEqual([first?.['id'], first?.['subject'], first?.['note']], [logged.body['id'], call1.subject, call1.note]);

  const [entry, ...more] = await audited('interaction.logged');
  assert.equal(more.length, 0);
  assert.deepEqual([entry?.actor, entry?.pivot_id, entry?.channel], ['counter', jeanne, 'phone']);
  assert.equal(entry?.details['grant'], 'roles.front-desk-agent.declare.interactions');
  assert.equal(entry?.details['interactionId'], logged.body['id']);
  assert.ok(!/encombrants|Rappeler/.test(JSON.stringify(entry)), 'no subject or note in the audit entry');
  const reads = (await audited('personal-data.read')).filter((r) => r.details['operation'] === 'GET /v1/citizens/{pivotId}/interactions');
  assert.deepEqual(
    reads.map((r) => [r.actor, r.pivot_id, r.details['grant'], r.details['count']]),
    [['counter', jeanne, 'roles.front-desk-agent.read.interactions', 1]],
  );
});

test('links: another citizen’s change is a 422 naming the item; a bad channel names /channel', async () => {
  const theirs = await addressChange(other);
  const refused = await call('counter', 'POST', path, { ...call1, changeIds: [theirs] });
  assert.equal(refused.status, 422);
  assert.deepEqual(refused.body['errors'], [{ field: '/changeIds/0', message: 'not a change or request about this citizen' }]);
  const bad = await call('counter', 'POST', path, { ...call1, channel: 'pigeon' });
  assert.equal(bad.status, 422);
  assert.deepEqual(
    (bad.body['errors'] as { field: string }[]).map((e) => e.field),
    ['/channel'],
  );
  assert.equal((await call('counter', 'POST', '/v1/citizens/11111111-2222-4333-8444-555555555555/interactions', call1)).status, 404);
});

test('labels: every property of the interactions resource carries a personal-data label', () => {
  const schemas = (openApiDocument() as unknown as { components: { schemas: Record<string, Record<string, unknown>> } }).components.schemas;
  for (const name of ['InteractionDeclaration', 'Interaction', 'InteractionList']) {
    assert.deepEqual(labelProblems({ $id: name, ...schemas[name] }), [], name);
  }
  const interaction = schemas['Interaction']!['properties'] as Record<string, Record<string, unknown>>;
  assert.deepEqual([interaction['subject']?.['x-relais-pii'], interaction['note']?.['x-relais-pii']], ['sensitive', 'sensitive']);
});

test('timeline: a contact is an entry beside the changes, with channel and subject, never the note', async () => {
  const letter = await call('counter', 'POST', path, { channel: 'mail', subject: 'Courrier de réclamation', note: 'Dossier 42 incomplet' });
  assert.equal(letter.status, 201);
  const read = await call('counter', 'GET', `/v1/citizens/${jeanne}/timeline`, undefined, { 'relais-purpose': 'accueil du citoyen' });
  assert.equal(read.status, 200);
  const entries = read.body['entries'] as Record<string, unknown>[];
  const contacts = entries.filter((e) => e['kind'] === 'interaction');
  assert.deepEqual(contacts.map((e) => [e['channel'], e['subject']]).sort(), [
    ['mail', 'Courrier de réclamation'],
    ['phone', call1.subject],
  ]);
  assert.ok(contacts.every((e) => e['changeId'] && e['type'] === 'interaction'));
  assert.ok(
    entries.some((e) => e['kind'] === 'change_accepted'),
    'the changes are there too',
  );
  assert.ok(!JSON.stringify(entries).includes('Dossier 42'), 'no note in the timeline');
});

test('a merged citizen: contacts logged under the merged pivot id are listed with the one kept', async () => {
  const twin = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
  await linkIdentifier(database.db, twin, 'waste-management', 'USG-000999');
  assert.equal((await call('counter', 'POST', `/v1/citizens/${twin}/interactions`, { channel: 'desk', subject: 'Visite' })).status, 201);
  await database.db.transaction((tx) => mergeCitizens(tx, { from: twin, into: jeanne }, { actor: 'test' }));
  const list = await call('counter', 'GET', `/v1/citizens/${twin}/interactions`);
  assert.equal(list.body['pivotId'], jeanne);
  assert.ok((list.body['interactions'] as { subject: string }[]).some((i) => i.subject === 'Visite'));
});
