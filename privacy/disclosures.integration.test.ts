/**
 * The disclosure ledger against real PostgreSQL and Kafka (router, outbox relay, receipts
 * consumer, the gateway's app, the shipped flows and rights): a change told at a desk is handed
 * over to social services and applied there; the delivery topic's retention is then shortened to
 * a second and its records dropped — the ledger still tells the citizen who received which fields,
 * on which basis, for what. An agent's read of the citizen's timeline shows up as a `read`; the
 * citizen reads only their own; an agent reads with a purpose; every read is audited.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { eventually } from '@relais/connector-kit/testing';
import { linkIdentifier } from '../identity/identity-store.ts';
import { ADDRESS_CHANGED_V1 } from '../schemas/index.ts';
import { credential, expireTopic, retentionOf, startPrivacyStack, type PrivacyStack } from '../test/support/privacy-stack.ts';

const jeanne = randomUUID();
const paul = randomUUID();
let stack: PrivacyStack;

before(async () => {
  stack = await startPrivacyStack('disclosures', [
    credential('desk', ['changes:write', 'changes:read', 'citizens:read'], { roles: ['front-desk-agent'] }),
    credential('jeanne', ['citizens:read', 'citizens:write'], { roles: ['citizen'], pivotId: jeanne }),
    credential('paul', ['citizens:read', 'citizens:write'], { roles: ['citizen'], pivotId: paul }),
    credential('operator', ['citizens:read'], { roles: ['operator'] }),
  ]);
  await linkIdentifier(stack.database.db, jeanne, 'social-services', 'SS-000123');
  await linkIdentifier(stack.database.db, paul, 'social-services', 'SS-000777');
});
after(() => stack.close());

const address = {
  address: { number: '3', streetName: 'rue Garibaldi', postcode: '69003', communeName: 'Lyon', communeInsee: '69383', country: 'FR' },
  effectiveDate: '2026-11-01',
};

type Entry = Record<string, unknown>;

test('a delivery months old: the topic forgot it, the ledger did not', async () => {
  const told = await stack.call('desk', 'POST', '/v1/changes', {
    body: { type: ADDRESS_CHANGED_V1, citizen: { pivotId: jeanne }, channel: 'desk', data: address },
  });
  assert.ok([201, 202].includes(told.status), JSON.stringify(told.body));
  const changeId = told.body['id'] as string;
  const status = async () =>
    (
      await stack.database.db.query<{ status: string }>('SELECT status FROM change_recipients WHERE change_id = $1 AND system = $2', [
        changeId,
        'social-services',
      ])
    ).rows[0]?.status;
  await eventually(async () => ((await status()) === 'delivered' ? true : undefined), 30_000, 'delivered to social services');
  await stack.connectorSays(
    { eventId: changeId, system: 'social-services', status: 'applied', route: 'address-to-social-services' },
    jeanne,
  );
  await eventually(async () => ((await status()) === 'applied' ? true : undefined), 30_000, 'applied by social services');

  const topic = stack.topics.delivery('social-services');
  const { low, high } = await expireTopic(topic);
  assert.equal(await retentionOf(topic), '1000');
  assert.ok(high > 0n, 'the delivery was on the topic');
  assert.equal(low, high, 'nothing is left to read on the delivery topic');

  const answer = await stack.call('jeanne', 'GET', `/v1/citizens/${jeanne}/disclosures`);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const deliveries = (answer.body['entries'] as Entry[]).filter((e) => e['kind'] === 'delivery');
  const social = deliveries.find((e) => e['system'] === 'social-services')!;
  assert.equal(social['changeId'], changeId);
  assert.equal(social['channel'], 'desk');
  assert.equal(social['eventType'], ADDRESS_CHANGED_V1);
  assert.equal(social['route'], 'address-to-social-services');
  assert.match(social['legalBasis'] as string, /^public-task: /);
  assert.ok((social['purpose'] as string).length > 10, 'the route says what the exchange is for');
  assert.ok((social['fields'] as string[]).includes('address.postcode'));
  assert.ok(!JSON.stringify(answer.body).includes('Garibaldi'), 'field names, never their values');
  assert.ok(social['handedOverAt'] && social['appliedAt']);
});

test('an agent reads the timeline with a purpose: the citizen sees that read; their own reads are not listed', async () => {
  const read = await stack.call('desk', 'GET', `/v1/citizens/${jeanne}/timeline`, { headers: { 'relais-purpose': 'dossier APL' } });
  assert.equal(read.status, 200);
  await stack.call('jeanne', 'GET', `/v1/citizens/${jeanne}/timeline`);
  const answer = await stack.call('jeanne', 'GET', `/v1/citizens/${jeanne}/disclosures`);
  const reads = (answer.body['entries'] as Entry[]).filter((e) => e['kind'] === 'read');
  assert.deepEqual(
    reads.map((r) => [r['reader'], r['purpose']]),
    [['desk', 'dossier APL']],
  );
});

test('only the citizen themself, or an agent with a purpose; every read audited', async () => {
  const other = await stack.call('paul', 'GET', `/v1/citizens/${jeanne}/disclosures`);
  assert.equal(other.status, 403);
  assert.equal(other.body['rule'], 'read:disclosures');
  const operator = await stack.call('operator', 'GET', `/v1/citizens/${jeanne}/disclosures`);
  assert.equal(operator.status, 403);
  const noPurpose = await stack.call('desk', 'GET', `/v1/citizens/${jeanne}/disclosures`);
  assert.equal(noPurpose.status, 400);
  const agent = await stack.call('desk', 'GET', `/v1/citizens/${jeanne}/disclosures`, { headers: { 'relais-purpose': 'réclamation' } });
  assert.equal(agent.status, 200);
  const audited = await stack.database.db.query<{ actor: string; details: { grant: string; purpose?: string } }>(
    `SELECT actor, details FROM audit_log WHERE action = 'personal-data.read' AND pivot_id = $1
        AND details->>'operation' = 'GET /v1/citizens/{pivotId}/disclosures' ORDER BY id`,
    [jeanne],
  );
  assert.deepEqual(
    audited.rows.map((r) => [r.actor, r.details.grant, r.details.purpose]),
    [
      ['jeanne', 'roles.citizen.read.own-disclosures', undefined],
      ['jeanne', 'roles.citizen.read.own-disclosures', undefined],
      ['desk', 'roles.front-desk-agent.read.disclosures', 'réclamation'],
    ],
  );
  const refused = await stack.database.db.query('SELECT 1 FROM audit_log WHERE action = $1 AND actor = $2', ['rights.refused', 'paul']);
  assert.equal(refused.rows.length, 1);
});
