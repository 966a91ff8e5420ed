/**
 * After a death, the notice goes to the declared family contact (issue 14, item 5), end to end —
 * the quick start's flows (email's death route says `onDeath: family-contact`), real Kafka, real
 * PostgreSQL, the register over SOAP and the email silo's SMTP mailbox:
 *   - a contact declared: the register records the death, the contact receives one email, in
 *     their language, and the deceased's own address receives none;
 *   - no contact declared (the citizen's address known to the email system all the same): no
 *     email at all, and the change says email was not concerned (`no-family-contact`), not failed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '@relais/connector-kit/testing';
import { DEATH_REGISTERED_V1 } from '../schemas/index.ts';
import { postJson } from './support/http.ts';
import { devToken, startStack, type ChangeView, type Stack } from './support/stack.ts';

let stack: Stack;
const auth = { authorization: `Bearer ${devToken}`, 'content-type': 'application/json' };
const lyon = { commune: 'Lyon', codeInsee: '69123', codePays: 'FR' };

before(async () => {
  stack = await startStack({ store: 'postgres', flows: ['civil-registry.yaml', 'social-services.yaml', 'email.yaml'] });
});
after(() => stack?.stop());

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${stack.relais.gatewayUrl}${path}`, {
    method,
    headers: auth,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function pivotOf(registerId: string): Promise<string> {
  const found = await stack.database!.db.query<{ pivot_id: string }>(
    "SELECT pivot_id FROM citizen_identifiers WHERE system = 'civil-registry' AND local_id = $1",
    [registerId],
  );
  return found.rows[0]!.pivot_id;
}

/** The register records the death; its source publishes it; resolves to the change once settled. */
async function registerDeath(registerId: string, pivotId: string): Promise<ChangeView> {
  const death = { type: 'DECES', personne: registerId, dateEvenement: '2026-11-20', lieu: lyon };
  assert.equal(await postJson(`${stack.registryUrl}/_admin/evenements`, death), 201);
  const db = stack.database!.db;
  const recorded = await eventually(
    async () =>
      (await db.query<{ id: string }>('SELECT id FROM changes WHERE pivot_id = $1 AND type = $2', [pivotId, DEATH_REGISTERED_V1])).rows[0],
    60_000,
    'the death to be recorded',
  );
  return stack.waitForStatus(recorded.id, (c) => c.status !== 'in_progress', 60_000);
}

const mailsTo = (address: string) => stack.silos.mailbox!.messages().filter((m) => m.to.includes(address));

test('a contact declared: the death is notified to the contact once, in their language, and never to the deceased', async () => {
  const jeanne = await pivotOf('EC-00000123');
  const contact = { name: 'Claire Martin', email: 'claire.martin@example.fr', relationship: 'fille', language: 'fr' };
  const declared = await call('PUT', `/v1/citizens/${jeanne}/family-contact`, contact);
  assert.equal(declared.status, 201);
  const toHerBefore = mailsTo('jeanne.m.martin@example.fr').length;

  const settled = await registerDeath('EC-00000123', jeanne);
  assert.equal(settled.recipients.find((r) => r.system === 'email')?.status, 'applied');
  const toClaire = await eventually(async () => mailsTo(contact.email)[0], 30_000, 'the notice to the family contact');
  assert.equal(toClaire.subject, 'Décès de votre proche : les administrations sont informées');
  assert.match(toClaire.text, /^Bonjour Claire Martin,/);
  assert.match(toClaire.text, /survenu le 20 novembre 2026/);
  // Give the bus time to deliver anything that had slipped through: one notice, none to her.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  assert.equal(mailsTo(contact.email).length, 1);
  assert.equal(mailsTo('jeanne.m.martin@example.fr').length, toHerBefore);
});

test('no contact declared: no email at all, and email is not concerned (no-family-contact), not failed', async () => {
  const paul = await pivotOf('EC-00000456');
  // The email system holds an address for him: still nothing may be written to it.
  const linked = await call('POST', '/v1/identities/links', { pivotId: paul, system: 'email', id: 'paul.nguyen@example.fr' });
  assert.equal(linked.status, 201);
  assert.equal((await call('GET', `/v1/citizens/${paul}/family-contact`)).status, 404);
  const sentBefore = stack.silos.mailbox!.messages().length;

  const settled = await registerDeath('EC-00000456', paul);
  assert.ok(!settled.recipients.some((r) => r.system === 'email'), 'email is no recipient');
  assert.deepEqual(
    settled.notConcerned?.filter((n) => n.system === 'email'),
    [{ system: 'email', reason: 'no-family-contact' }],
  );
  await new Promise((resolve) => setTimeout(resolve, 2000));
  assert.equal(stack.silos.mailbox!.messages().length, sentBefore, 'no email at all');
  assert.equal(mailsTo('paul.nguyen@example.fr').length, 0);
});
