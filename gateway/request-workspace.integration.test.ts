/**
 * The requests workspace's API against real PostgreSQL, with the repository's flows and rights:
 * an agent lists requests by category, commune, status and age (each with its target), notes on
 * one, assigns it to a competent service and answers the citizen — the assignment and the answer
 * are changes whose events the flows send to the citizen's email (in the outbox here; the browser
 * test follows one to the mailbox). Every read and write is audited; an operator is refused,
 * naming the rule; bad input names its field; a closed request takes no more answers.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '@relais/connector-kit/testing';
import { linkIdentifier } from '../identity/identity-store.ts';
import { agentCredential, startTestGateway, type TestGateway } from '../test/support/gateway.ts';

const jeanne = '0b6f8a43-2f55-4b8e-9d0e-6a3c1f2e7d11';
const lyon3 = '69383';

let database: TestDatabase;
let gateway: TestGateway;
const call: TestGateway['call'] = (...args) => gateway.call(...args);
let lyonRequest: string;
let otherRequest: string;

async function submit(communeInsee: string, description: string): Promise<string> {
  const submitted = await call('counter', 'POST', '/v1/service-requests', {
    citizen: { pivotId: jeanne },
    channel: 'desk',
    category: 'waste.missed-collection',
    location: {
      address: { number: '24', streetName: 'rue Paul Bert', postcode: '69003', communeName: 'Lyon', communeInsee, country: 'FR' },
    },
    description,
    contact: { email: 'jeanne.martin@example.fr' },
  });
  assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
  return submitted.body['id'] as string;
}

const audited = async (action: string) =>
  (
    await database.db.query<{ actor: string; details: Record<string, unknown> }>(
      'SELECT actor, details FROM audit_log WHERE action = $1 ORDER BY id',
      [action],
    )
  ).rows;

before(async () => {
  database = await createTestDatabase('postgres');
  await linkIdentifier(database.db, jeanne, 'waste-management', 'USG-WS-1');
  gateway = await startTestGateway(database.db, [
    agentCredential('counter', ['service-requests:write', 'service-requests:read'], ['front-desk-agent']),
    agentCredential('handler', ['service-requests:write', 'service-requests:read'], ['request-agent']),
    agentCredential('operator', ['service-requests:write', 'service-requests:read'], ['operator']),
  ]);
  lyonRequest = await submit(lyon3, 'Le bac jaune n’a pas été collecté.');
  otherRequest = await submit('69381', 'Bac vert oublié.');
  // One of them is three days old: past the 48 h target of waste requests.
  await database.db.query(`UPDATE service_requests SET submitted_at = now() - interval '72 hours' WHERE id = $1`, [otherRequest]);
});

after(async () => {
  await gateway?.close();
  await database?.drop();
});

test('the list filters by category, commune, status and age, shows each age against its target, and is audited', async () => {
  const all = await call('handler', 'GET', '/v1/service-requests?category=waste.missed-collection&status=open');
  assert.equal(all.status, 200);
  const requests = all.body['requests'] as { id: string; commune: string; ageHours: number; targetHours: number; overdue: boolean }[];
  assert.deepEqual(
    requests.map((r) => r.id),
    [otherRequest, lyonRequest],
    'oldest first',
  );
  assert.deepEqual(
    requests.map((r) => [r.commune, r.targetHours, r.overdue]),
    [
      ['69381', 48, true],
      [lyon3, 48, false],
    ],
  );
  assert.ok(requests[0]!.ageHours >= 72);
  const inLyon3 = await call('handler', 'GET', `/v1/service-requests?commune=${lyon3}`);
  assert.deepEqual(
    (inLyon3.body['requests'] as { id: string }[]).map((r) => r.id),
    [lyonRequest],
  );
  const old = await call('handler', 'GET', '/v1/service-requests?olderThanHours=48');
  assert.deepEqual(
    (old.body['requests'] as { id: string }[]).map((r) => r.id),
    [otherRequest],
  );
  assert.deepEqual((await call('handler', 'GET', '/v1/service-requests?status=closed')).body['requests'], []);
  const reads = (await audited('personal-data.read')).filter((r) => r.details['operation'] === 'GET /v1/service-requests');
  assert.equal(reads.length, 4);
  assert.deepEqual(
    reads.map((r) => r.actor),
    ['handler', 'handler', 'handler', 'handler'],
  );
  const bad = await call('handler', 'GET', '/v1/service-requests?commune=Lyon');
  assert.equal(bad.status, 400);
  assert.deepEqual(
    (bad.body['errors'] as { field: string }[]).map((e) => e.field),
    ['/commune'],
  );
});

test('an operator may not see the workspace, and a front-desk agent may not assign: each refusal names its rule and is audited', async () => {
  const refused = await call('operator', 'GET', '/v1/service-requests');
  assert.equal(refused.status, 403);
  assert.equal(refused.body['rule'], 'read:service-requests');
  const assign = await call('counter', 'POST', `/v1/service-requests/${lyonRequest}/assignment`, { service: 'waste-management' });
  assert.equal(assign.status, 403);
  assert.equal(assign.body['rule'], 'declare:request-handling');
  const refusals = await audited('rights.refused');
  assert.ok(refusals.some((r) => r.actor === 'operator' && r.details['operation'] === 'GET /v1/service-requests'));
});

test('a note, an assignment and an answer make the trace; the assignment and the answer go to the citizen’s email', async () => {
  const noted = await call('handler', 'POST', `/v1/service-requests/${lyonRequest}/notes`, { note: 'Appel du voisin : même problème.' });
  assert.equal(noted.status, 201);
  assert.equal(noted.body['kind'], 'noted');
  const assigned = await call('handler', 'POST', `/v1/service-requests/${lyonRequest}/assignment`, {
    service: 'waste-management',
    comment: 'Transmis au service de collecte.',
  });
  assert.equal(assigned.status, 202, JSON.stringify(assigned.body));
  const answered = await call('handler', 'POST', `/v1/service-requests/${lyonRequest}/answer`, {
    status: 'resolved',
    message: 'Votre bac sera collecté jeudi.',
  });
  assert.equal(answered.status, 202, JSON.stringify(answered.body));
  const changeId = answered.body['changeId'] as string;

  // The answer is a change: its event in the outbox, for the citizen's email only.
  const outbox = await database.db.query<{ type: string; payload: string }>(
    `SELECT headers->>'ce_type' AS type, payload FROM outbox WHERE headers->>'ce_id' = $1`,
    [changeId],
  );
  assert.equal(outbox.rows[0]?.type, 'fr.relais.service-request.resolved.v1');
  assert.equal((JSON.parse(outbox.rows[0].payload) as { comment: string }).comment, 'Votre bac sera collecté jeudi.');

  const trace = await call('handler', 'GET', `/v1/service-requests/${lyonRequest}/trace`);
  assert.equal(trace.status, 200);
  const actions = trace.body['actions'] as {
    kind: string;
    agent: string;
    service?: string;
    delivery?: { system: string; status: string }[];
  }[];
  assert.deepEqual(
    actions.map((a) => [a.kind, a.agent, a.service ?? '']),
    [
      ['noted', 'handler', ''],
      ['assigned', 'handler', 'waste-management'],
      ['answered', 'handler', ''],
    ],
  );
  assert.deepEqual(
    actions[2]!.delivery?.map((d) => [d.system, d.status]),
    [['email', 'pending']],
  );
  assert.equal(trace.body['targetHours'], 48);
  assert.ok((trace.body['services'] as string[]).includes('waste-management'));
  assert.ok(!(trace.body['services'] as string[]).includes('email'), 'a notification channel is not a service');

  assert.equal((await audited('service-request.noted')).length, 1);
  assert.ok((await audited('personal-data.read')).some((r) => r.details['operation'] === 'GET /v1/service-requests/{id}/trace'));
});

test('bad input names its field; a closed request takes no more answers; an unknown one is a 404', async () => {
  const notAService = await call('handler', 'POST', `/v1/service-requests/${otherRequest}/assignment`, { service: 'email' });
  assert.equal(notAService.status, 422);
  assert.deepEqual(
    (notAService.body['errors'] as { field: string }[]).map((e) => e.field),
    ['/service'],
  );
  const noMessage = await call('handler', 'POST', `/v1/service-requests/${otherRequest}/answer`, { status: 'resolved' });
  assert.equal(noMessage.status, 422);
  assert.ok((noMessage.body['errors'] as { field: string }[]).some((e) => e.field === '/message'));
  await database.db.query(`UPDATE service_requests SET status = 'resolved' WHERE id = $1`, [otherRequest]);
  const closed = await call('handler', 'POST', `/v1/service-requests/${otherRequest}/answer`, {
    status: 'in-progress',
    message: 'Encore ?',
  });
  assert.equal(closed.status, 409);
  assert.match(closed.type, /application\/problem\+json/);
  const unknown = await call('handler', 'GET', '/v1/service-requests/7a0e0f57-62a2-4b0e-9a8b-6fd0a8cf2a10/trace');
  assert.equal(unknown.status, 404);
});
