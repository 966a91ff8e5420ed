/**
 * Objection against real PostgreSQL and Kafka (router, outbox relay, receipts consumer, the
 * gateway's app, the shipped flows and rights): a citizen objects to school catering (whose
 * address route's public-task basis allows it); the next change reaches social services but not
 * school catering, whose status is `objected`; withdrawing the objection restores delivery.
 * Objecting to the tax office (a legal obligation) is a 409 naming the rule. Audited.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { eventually } from '@relais/connector-kit/testing';
import { linkIdentifier } from '../identity/identity-store.ts';
import { ADDRESS_CHANGED_V1 } from '../schemas/index.ts';
import { credential, startPrivacyStack, type PrivacyStack } from '../test/support/privacy-stack.ts';

const jeanne = randomUUID();
const paul = randomUUID();
let stack: PrivacyStack;

before(async () => {
  stack = await startPrivacyStack('objections', [
    credential('desk', ['changes:write', 'changes:read', 'citizens:read', 'citizens:write'], { roles: ['front-desk-agent'] }),
    credential('jeanne', ['citizens:read', 'citizens:write'], { roles: ['citizen'], pivotId: jeanne }),
    credential('paul', ['citizens:read', 'citizens:write'], { roles: ['citizen'], pivotId: paul }),
  ]);
  await linkIdentifier(stack.database.db, jeanne, 'social-services', 'SS-000123');
  await linkIdentifier(stack.database.db, jeanne, 'school-catering', 'PF-000123');
  await linkIdentifier(stack.database.db, paul, 'social-services', 'SS-000777');
});
after(() => stack.close());

const address = {
  address: { number: '3', streetName: 'rue Garibaldi', postcode: '69003', communeName: 'Lyon', communeInsee: '69383', country: 'FR' },
  effectiveDate: '2026-11-01',
};

/** Tells a move at the desk and waits until the router has spoken for every recipient. */
async function tellMove(): Promise<Map<string, string>> {
  const told = await stack.call('desk', 'POST', '/v1/changes', {
    body: { type: ADDRESS_CHANGED_V1, citizen: { pivotId: jeanne }, channel: 'desk', data: address },
  });
  assert.ok([201, 202].includes(told.status), JSON.stringify(told.body));
  return eventually(
    async () => {
      const rows = await stack.database.db.query<{ system: string; status: string }>(
        'SELECT system, status FROM change_recipients WHERE change_id = $1',
        [told.body['id']],
      );
      const statuses = new Map(rows.rows.map((r) => [r.system, r.status]));
      return [...statuses.values()].some((s) => s === 'pending') ? undefined : statuses;
    },
    30_000,
    'the router settled every recipient',
  );
}

test('an objection is honoured by the next change, as a status, not a failure; withdrawing it restores delivery', async () => {
  const objected = await stack.call('jeanne', 'PUT', `/v1/citizens/${jeanne}/objections/school-catering`);
  assert.equal(objected.status, 201, JSON.stringify(objected.body));
  assert.equal(objected.body['system'], 'school-catering');
  assert.equal((await stack.call('jeanne', 'PUT', `/v1/citizens/${jeanne}/objections/school-catering`)).status, 200);
  const listed = await stack.call('jeanne', 'GET', `/v1/citizens/${jeanne}/objections`);
  assert.deepEqual(
    (listed.body['objections'] as { system: string }[]).map((o) => o.system),
    ['school-catering'],
  );

  const during = await tellMove();
  assert.equal(during.get('school-catering'), 'objected');
  assert.equal(during.get('social-services'), 'delivered');

  assert.equal((await stack.call('jeanne', 'DELETE', `/v1/citizens/${jeanne}/objections/school-catering`)).status, 204);
  assert.equal((await stack.call('jeanne', 'DELETE', `/v1/citizens/${jeanne}/objections/school-catering`)).status, 404);
  const after = await tellMove();
  assert.equal(after.get('school-catering'), 'delivered');

  const audit = await stack.database.db.query<{ action: string; details: { system: string; grant: string } }>(
    `SELECT action, details FROM audit_log WHERE pivot_id = $1 AND action LIKE 'objection.%' ORDER BY id`,
    [jeanne],
  );
  assert.deepEqual(
    audit.rows.map((r) => [r.action, r.details.system, r.details.grant]),
    [
      ['objection.recorded', 'school-catering', 'roles.citizen.declare.own-objections'],
      ['objection.withdrawn', 'school-catering', 'roles.citizen.declare.own-objections'],
    ],
  );
});

test('no objection where the legal basis does not allow one: 409 naming the rule; unknown system 422; another citizen 403', async () => {
  const tax = await stack.call('jeanne', 'PUT', `/v1/citizens/${jeanne}/objections/tax`);
  assert.equal(tax.status, 409);
  assert.equal(tax.body['code'], 'objection-not-allowed');
  assert.equal(tax.body['rule'], 'basis.objection');
  assert.match(tax.body['detail'] as string, /address-to-tax \(legal-obligation/);
  const unknown = await stack.call('jeanne', 'PUT', `/v1/citizens/${jeanne}/objections/nowhere`);
  assert.equal(unknown.status, 422);
  const other = await stack.call('paul', 'PUT', `/v1/citizens/${jeanne}/objections/school-catering`);
  assert.equal(other.status, 403);
  assert.equal(other.body['rule'], 'declare:objections');
  // An agent at a counter may record it for the citizen.
  const desk = await stack.call('desk', 'PUT', `/v1/citizens/${jeanne}/objections/school-catering`);
  assert.equal(desk.status, 201);
  const none = await stack.database.db.query('SELECT 1 FROM objections WHERE pivot_id = $1 AND system = $2', [jeanne, 'tax']);
  assert.equal(none.rows.length, 0);
});
