/**
 * Told once it is done, against real PostgreSQL and Kafka (router, outbox relay, receipts
 * consumer, the gateway's app, the shipped flows): nothing is said while a system has not
 * settled; once the last one settles, exactly one notice (fr.relais.change.settled.v1) goes out,
 * to the email system, in the citizen's language, with each outcome and a rejection's reason —
 * and receipts delivered again add none. The email connector's own text is checked on what the
 * delivery carries (the full path, silo included: test/e2e-five-silos.integration.test.ts).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { decodeDelivery } from '../core/envelopes.ts';
import { eventually, readTopic } from '@relais/connector-kit/testing';
import { linkIdentifier } from '../identity/identity-store.ts';
import { ADDRESS_CHANGED_V1, CHANGE_SETTLED_V1, CONTACT_CHANGED_V1 } from '../schemas/index.ts';
import { settledNotice } from '../connectors/email/settled.ts';
import { credential, startPrivacyStack, type PrivacyStack } from '../test/support/privacy-stack.ts';
import { noticeIdOf } from './settled-notice.ts';

const jeanne = randomUUID();
let stack: PrivacyStack;

before(async () => {
  stack = await startPrivacyStack('settled', [
    credential('desk', ['changes:write', 'changes:read', 'citizens:read'], { roles: ['front-desk-agent'] }),
  ]);
  await linkIdentifier(stack.database.db, jeanne, 'social-services', 'SS-000123');
  await linkIdentifier(stack.database.db, jeanne, 'school-catering', 'PF-000123');
});
after(() => stack.close());

const address = {
  address: { number: '3', streetName: 'rue Garibaldi', postcode: '69003', communeName: 'Lyon', communeInsee: '69383', country: 'FR' },
  effectiveDate: '2026-11-01',
};

async function tell(type: string, data: object): Promise<string> {
  const told = await stack.call('desk', 'POST', '/v1/changes', { body: { type, citizen: { pivotId: jeanne }, channel: 'desk', data } });
  assert.ok([201, 202].includes(told.status), JSON.stringify(told.body));
  return told.body['id'] as string;
}

const noticesOf = async (changeId: string) =>
  (await stack.database.db.query('SELECT 1 FROM outbox WHERE headers->>$1 = $2', ['ce_id', noticeIdOf(changeId)])).rows.length;

async function statuses(changeId: string): Promise<Map<string, string>> {
  const rows = await stack.database.db.query<{ system: string; status: string }>(
    'SELECT system, status FROM change_recipients WHERE change_id = $1',
    [changeId],
  );
  return new Map(rows.rows.map((r) => [r.system, r.status]));
}

test('one notice once the last system settles, in the citizen’s language, with a rejection and its reason; none again on redelivery', async () => {
  // Her email address and language, as a contact change gives them (the email system then holds her).
  await tell(CONTACT_CHANGED_V1, { email: 'jeanne.martin@example.fr', language: 'en' });
  const changeId = await tell(ADDRESS_CHANGED_V1, address);
  await eventually(async () => ((await statuses(changeId)).get('school-catering') === 'delivered' ? true : undefined), 30_000, 'routed');

  await stack.connectorSays({ eventId: changeId, system: 'social-services', status: 'applied' }, jeanne);
  await eventually(async () => ((await statuses(changeId)).get('social-services') === 'applied' ? true : undefined), 30_000, 'applied');
  assert.equal(await noticesOf(changeId), 0, 'nothing while school catering has not settled');

  const reason = 'ADRESSE_HORS_COMMUNE: the billing address is outside the commune';
  const last = { eventId: changeId, system: 'school-catering', status: 'rejected' as const, reason };
  await stack.connectorSays(last, jeanne);
  await eventually(async () => ((await noticesOf(changeId)) === 1 ? true : undefined), 30_000, 'the notice in the outbox');

  // Receipts delivered again (a consumer restart, a replay): still one notice.
  await stack.connectorSays(last, jeanne);
  await stack.connectorSays({ eventId: changeId, system: 'social-services', status: 'applied' }, jeanne);
  await eventually(
    async () =>
      (await stack.database.db.query('SELECT 1 FROM receipt_evidence WHERE change_id = $1', [changeId])).rows.length >= 2
        ? true
        : undefined,
    30_000,
    'the receipts consumer caught up',
  );
  await new Promise((resolve) => setTimeout(resolve, 1000));
  assert.equal(await noticesOf(changeId), 1);
  assert.equal((await stack.database.db.query('SELECT 1 FROM settled_notices WHERE change_id = $1', [changeId])).rows.length, 1);

  // The router hands it to the email system, to her address, with each outcome.
  const deliveries = await readTopic(stack.topics.delivery('email'), (messages) =>
    messages.some((m) => m.headers['ce_id'] === noticeIdOf(changeId)),
  );
  const notice = decodeDelivery(deliveries.find((m) => m.headers['ce_id'] === noticeIdOf(changeId))!);
  assert.equal(notice.type, CHANGE_SETTLED_V1);
  assert.equal(notice.citizenId, 'jeanne.martin@example.fr');
  assert.equal(notice.data['language'], 'en');
  assert.deepEqual(notice.data['outcomes'], [
    { system: 'school-catering', status: 'rejected', reason },
    { system: 'social-services', status: 'applied' },
  ]);
  const mail = settledNotice(notice.data);
  assert.equal(mail.subject, 'Your request: one administration could not take it into account');
  assert.match(
    mail.text,
    /School catering and nurseries \(town hall\): could not take your change into account \(reason: ADRESSE_HORS_COMMUNE/,
  );
  assert.match(mail.text, /Social services \(département\): has taken your change into account/);
});
