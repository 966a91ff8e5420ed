/**
 * Who must know about whom (issue 14), end to end — the quick start's flows and simulators, real
 * Kafka, real PostgreSQL, the register over SOAP:
 *   - the quick start's civil-data example, pasted and decided exactly as the banner prints it,
 *     ends `completed` in the systems that hold the person's file, the others not concerned;
 *   - once the register records a death, a later change for that citizen is a 409 naming the
 *     date, nothing is stored, and no email goes to the deceased.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '@relais/connector-kit/testing';
import { DEATH_REGISTERED_V1 } from '../schemas/index.ts';
import { postJson } from './support/http.ts';
import { addressChange, devToken, startStack, type ChangeView, type Stack } from './support/stack.ts';

let stack: Stack;
const auth = { authorization: `Bearer ${devToken}`, 'content-type': 'application/json' };

before(async () => {
  stack = await startStack({
    store: 'postgres',
    flows: ['civil-registry.yaml', 'social-services.yaml', 'email.yaml', 'waste-management.yaml', 'school-catering.yaml', 'tax.yaml'],
  });
});
after(() => stack?.stop());

/** The JSON bodies (`-d '…'`) of the banner's curl lines that follow `heading`, in order. */
function printedBodies(heading: string): unknown[] {
  const lines = stack.relais.banner.flatMap((entry) => entry.lines);
  const start = lines.findIndex((line) => line.startsWith(heading));
  assert.ok(start >= 0, `the banner prints "${heading}"`);
  const bodies: unknown[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line === '') break;
    const body = /-d '(.*)'$/.exec(line)?.[1];
    if (body) bodies.push(JSON.parse(body));
  }
  return bodies;
}

async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${stack.relais.gatewayUrl}${path}`, {
    method,
    headers: auth,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

test("the quick start's civil-data example, decided as printed, ends completed in the systems that hold the file", async () => {
  const [change, decision] = printedBodies('Name a citizen by civil data');
  assert.ok(change && decision, 'the banner prints the change and the decision');
  const posted = await call<ChangeView & { identityReview?: { id: string } }>('POST', '/v1/changes', change);
  assert.equal(posted.status, 202);
  assert.equal(posted.body.status, 'held_for_review');
  const decided = await call<{ change: ChangeView }>('POST', `/v1/identity-reviews/${posted.body.identityReview!.id}/decision`, decision);
  assert.equal(decided.status, 200);
  const settled = await stack.waitForStatus(posted.body.id, (c) => c.status !== 'in_progress', 60_000);
  assert.equal(settled.status, 'completed');
  assert.deepEqual(
    settled.recipients.map((r) => [r.system, r.status]),
    [['social-services', 'applied']],
  );
  assert.deepEqual(
    settled.notConcerned?.map((n) => [n.system, n.reason]),
    [
      ['school-catering', 'no-file'],
      ['tax', 'no-file'],
      ['waste-management', 'no-file'],
    ],
  );
  assert.equal((await stack.file('SS-000901')).adresse['libelleVoie'], 'rue des Lilas');
});

test('after a registered death: a change is a 409 naming the date, nothing is stored, no email to the deceased', async () => {
  const db = stack.database!.db;
  const jeanne = (
    await db.query<{ pivot_id: string }>(
      "SELECT pivot_id FROM citizen_identifiers WHERE system = 'civil-registry' AND local_id = 'EC-00000123'",
    )
  ).rows[0]!.pivot_id;
  const lyon = { commune: 'Lyon', codeInsee: '69123', codePays: 'FR' };
  const death = { type: 'DECES', personne: 'EC-00000123', dateEvenement: '2026-11-20', lieu: lyon };
  assert.equal(await postJson(`${stack.registryUrl}/_admin/evenements`, death), 201);
  // The register's source publishes the death; Relais records it for her pivot id.
  const recorded = await eventually(
    async () =>
      (await db.query<{ id: string }>('SELECT id FROM changes WHERE pivot_id = $1 AND type = $2', [jeanne, DEATH_REGISTERED_V1])).rows[0],
    60_000,
    'the death to be recorded',
  );
  await stack.waitForStatus(recorded.id, (c) => c.status !== 'in_progress', 60_000);
  const mailsToHer = () => stack.silos.mailbox!.messages().filter((m) => m.to.includes('jeanne.m.martin@example.fr')).length;
  const mailsBefore = mailsToHer();
  const changesBefore = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM changes')).rows[0]!.n;

  const refused = await fetch(`${stack.relais.gatewayUrl}/v1/changes`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify(addressChange('SS-000123', 'rue Posthume')),
  });
  assert.equal(refused.status, 409);
  assert.match(refused.headers.get('content-type') ?? '', /^application\/problem\+json/);
  const problem = (await refused.json()) as { code: string; detail: string; errors: { field: string; message: string }[] };
  assert.equal(problem.code, 'citizen-deceased');
  assert.match(problem.detail, /2026-11-20/);
  assert.deepEqual(problem.errors, [{ field: '/citizen', message: 'deceased on 2026-11-20' }]);
  const request = await call<{ code: string }>('POST', '/v1/service-requests', {
    citizen: { pivotId: jeanne },
    channel: 'web',
    category: 'waste.missed-collection',
    location: { communeInsee: '69383' },
    contact: { email: 'jeanne.m.martin@example.fr' },
  });
  assert.deepEqual([request.status, request.body.code], [409, 'citizen-deceased']);
  assert.equal((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM changes')).rows[0]!.n, changesBefore, 'nothing stored');
  const audited = await db.query<{ details: Record<string, unknown> }>(
    "SELECT details FROM audit_log WHERE action = 'change.refused' AND pivot_id = $1 ORDER BY id",
    [jeanne],
  );
  assert.deepEqual(
    audited.rows.map((r) => r.details['rule']),
    ['citizen-deceased', 'citizen-deceased'],
  );
  // Give the bus time to deliver anything that had slipped through: still no email to her.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  assert.equal(mailsToHer(), mailsBefore);
});
