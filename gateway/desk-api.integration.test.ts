/**
 * The API calls a desk makes before telling a change, against real PostgreSQL: finding a citizen
 * by an identifier in any system or by pivot id, the systems holding a file on them with the last
 * change each applied, and the preview of a change (who would receive which fields, on which
 * basis) computed from the repository's flows — each read audited, each refusal naming its rule.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFlows } from '../core/flows/flows.ts';
import { planDeliveries } from '../core/flows/plan.ts';
import { linkIdentifier } from '../identity/identity-store.ts';
import { createTestDatabase, type TestDatabase } from '@relais/connector-kit/testing';
import { agentCredential, startTestGateway, type TestGateway } from '../test/support/gateway.ts';

const jeanne = '6f1c1a52-8a47-4c3e-9a43-5d8f1a0c2b11';
const address = { number: '3', streetName: 'rue Garibaldi', postcode: '69003', communeName: 'Lyon', communeInsee: '69383', country: 'FR' };
const change = {
  type: 'fr.relais.citizen.address.changed.v1',
  citizen: { pivotId: jeanne },
  channel: 'desk',
  data: { address, effectiveDate: '2026-12-01' },
};

let database: TestDatabase;
let gateway: TestGateway;
const call: TestGateway['call'] = (...args) => gateway.call(...args);

before(async () => {
  database = await createTestDatabase('postgres');
  await linkIdentifier(database.db, jeanne, 'social-services', 'SS-000123');
  await linkIdentifier(database.db, jeanne, 'waste-management', 'USG-000123');
  gateway = await startTestGateway(database.db, [
    agentCredential('counter', ['citizens:read', 'changes:write', 'changes:read'], ['front-desk-agent']),
    agentCredential('operator', ['citizens:read', 'changes:write'], ['operator']),
  ]);
});

after(async () => {
  await gateway.close();
  await database.drop();
});

const reads = async (operation: string) =>
  (
    await database.db.query<{ actor: string; pivot_id: string | null }>(
      `SELECT actor, pivot_id FROM audit_log WHERE action = 'personal-data.read' AND details->>'operation' = $1 ORDER BY id`,
      [operation],
    )
  ).rows;

test('GET /v1/citizens finds a citizen by an identifier in any system or by pivot id; the search is audited', async () => {
  const bySocial = await call('counter', 'GET', '/v1/citizens?system=social-services&identifier=SS-000123');
  assert.deepEqual(bySocial.body, { citizens: [{ pivotId: jeanne }] });
  const byWaste = await call('counter', 'GET', '/v1/citizens?system=waste-management&identifier=USG-000123');
  assert.deepEqual(byWaste.body, { citizens: [{ pivotId: jeanne }] });
  assert.deepEqual((await call('counter', 'GET', `/v1/citizens?pivotId=${jeanne.toUpperCase()}`)).body, {
    citizens: [{ pivotId: jeanne }],
  });
  assert.deepEqual((await call('counter', 'GET', '/v1/citizens?system=tax&identifier=nobody')).body, { citizens: [] });
  const bad = await call('counter', 'GET', '/v1/citizens?system=tax');
  assert.deepEqual([bad.status, (bad.body['errors'] as { field: string }[])[0]?.field], [400, '/identifier']);
  const refused = await call('operator', 'GET', '/v1/citizens?system=tax&identifier=x');
  assert.deepEqual([refused.status, refused.body['rule']], [403, 'read:timelines']);
  assert.equal((await reads('GET /v1/citizens')).length, 4);
});

test('GET /v1/citizens/{pivotId}: the systems holding a file, the last change each applied; audited', async () => {
  const accepted = await call('counter', 'POST', '/v1/changes', change);
  assert.equal(accepted.status, 202);
  const changeId = String(accepted.body['id']);
  await database.db.query(
    `UPDATE change_recipients SET status = 'applied', status_at = now() WHERE change_id = $1 AND system = 'waste-management'`,
    [changeId],
  );
  const read = await call('counter', 'GET', `/v1/citizens/${jeanne}`);
  assert.equal(read.status, 200);
  const files = read.body['files'] as { system: string; identifier: string; lastApplied?: { changeId: string } }[];
  assert.deepEqual(
    files.map((f) => [f.system, f.identifier, f.lastApplied?.changeId]),
    [
      ['social-services', 'SS-000123', undefined],
      ['waste-management', 'USG-000123', changeId],
    ],
  );
  assert.deepEqual(await reads('GET /v1/citizens/{pivotId}'), [{ actor: 'counter', pivot_id: jeanne }]);
  assert.equal((await call('counter', 'GET', '/v1/citizens/11111111-2222-4333-8444-555555555555')).status, 404);
  assert.deepEqual((await call('operator', 'GET', `/v1/citizens/${jeanne}`)).body['rule'], 'read:timelines');
});

test('POST /v1/changes/preview: the systems, routes, bases and fields the flows give, nothing stored', async () => {
  const before = (await database.db.query('SELECT count(*)::int AS n FROM changes')).rows[0];
  const preview = await call('counter', 'POST', '/v1/changes/preview', change);
  assert.equal(preview.status, 200, JSON.stringify(preview.body));
  const flows = loadFlows('flows');
  // The systems the citizen may choose (citizen-request routes) are offered too, as optional.
  const offered = flows.routes
    .filter((r) => r.event === change.type && r.basis.kind === 'citizen-request')
    .flatMap((r) => r.to.map((t) => t.system));
  const expected = planDeliveries(flows, { type: change.type, data: change.data, channel: 'desk', recipients: offered });
  const recipients = preview.body['recipients'] as { system: string; route: string; basis: string; fields: string[] }[];
  const notConcerned = preview.body['notConcerned'] as { system: string; reason: string }[];
  // Every system the flows route it to is either a recipient (it holds a file) or not concerned.
  assert.deepEqual(
    [...recipients.map((r) => r.system), ...notConcerned.map((n) => n.system)].sort(),
    [...new Set(expected.systems)].sort(),
  );
  const waste = recipients.find((r) => r.system === 'waste-management');
  assert.ok(waste, 'waste management holds a file');
  assert.equal(waste.basis, expected.deliveries.find((d) => d.system === 'waste-management')?.basis);
  assert.ok(waste.fields.includes('address.postcode') && !waste.fields.includes('address'));
  assert.equal((waste as { optional?: boolean }).optional, false);
  assert.ok(offered.length > 0, 'the shipped flows offer an optional recipient of a move');
  assert.ok(notConcerned.every((n) => n.reason === 'no-file'));
  assert.equal(preview.body['citizenKnown'], true);
  assert.deepEqual((await database.db.query('SELECT count(*)::int AS n FROM changes')).rows[0], before);

  const bad = await call('counter', 'POST', '/v1/changes/preview', {
    ...change,
    data: { ...change.data, address: { ...address, postcode: '6900' } },
  });
  assert.deepEqual([bad.status, (bad.body['errors'] as { field: string }[])[0]?.field], [422, '/data/address/postcode']);
  const refused = await call('operator', 'POST', '/v1/changes/preview', change);
  assert.deepEqual([refused.status, refused.body['rule']], [403, 'originate']);
});
