/**
 * The email sink against a real SMTP server over TCP (silos/email: smtp-server): the citizen
 * receives a French message per event type; refusals and outages take the contract's paths;
 * the address never appears in a reason.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEATH_REGISTERED_V1,
  type Delivery,
  RetryableError,
  SERVICE_REQUEST_RESOLVED_V1,
  SERVICE_REQUEST_SUBMITTED_V1,
  SERVICE_REQUEST_UPDATED_V1,
} from '@relais/connector-kit';
import { testDelivery, testSinkContext } from '@relais/connector-kit/testing';
import { startMailbox, type Mailbox } from '../../silos/email/mailbox.ts';
import { EmailClient } from './client.ts';
import { createEmailSink } from './sink.ts';

const context = testSinkContext;
const address = 'camille.martin@example.fr';
let mailbox: Mailbox;
let sink: ReturnType<typeof createEmailSink>;

const delivery = (type: string, data: Record<string, unknown>, citizenId = address): Delivery =>
  testDelivery('email', { type, citizenId, data });

before(async () => {
  mailbox = await startMailbox();
  sink = createEmailSink(new EmailClient({ smtpUrl: mailbox.url, from: 'Relais <ne-pas-repondre@relais.example>' }));
});
after(async () => {
  await sink.close?.();
  await mailbox.close();
});

test("a resolved request: the citizen receives a French email with the service's comment, keyed by the event id", async () => {
  const d = delivery(SERVICE_REQUEST_RESOLVED_V1, {
    requestId: 'SR-2026-000123',
    category: 'waste.missed-collection',
    status: 'resolved',
    competentService: 'waste-management',
    comment: 'Bac collecté jeudi matin.',
    resolvedAt: '2026-11-06T08:30:00Z',
  });
  assert.deepEqual(await sink.apply(d, context()), { status: 'applied' });
  const mail = mailbox.messages().find((m) => m.messageId === `<${d.eventId}@relais.notifications>`)!;
  assert.deepEqual(mail.to, [address]);
  assert.equal(mail.subject, 'Votre demande a été traitée');
  assert.match(
    mail.text,
    /Votre demande \(collecte des déchets non effectuée\) a été traitée par le service de gestion des déchets le 6 novembre 2026 à 09:30\./,
  );
  assert.match(mail.text, /« Bac collecté jeudi matin\. »/);
  assert.match(mail.text, /Référence de votre demande : SR-2026-000123/);
});

test('submitted and updated requests have their own templates', async () => {
  const submitted = delivery(SERVICE_REQUEST_SUBMITTED_V1, {
    requestId: 'SR-1',
    category: 'waste.damaged-bin',
    competentService: 'waste-management',
    submittedAt: '2026-11-04T07:15:00Z',
  });
  const updated = delivery(SERVICE_REQUEST_UPDATED_V1, {
    requestId: 'SR-1',
    status: 'scheduled',
    competentService: 'waste-management',
    plannedDate: '2026-11-06',
  });
  assert.deepEqual(await sink.apply(submitted, context()), { status: 'applied' });
  assert.deepEqual(await sink.apply(updated, context()), { status: 'applied' });
  const [first, second] = [submitted, updated].map((d) =>
    mailbox.messages().find((m) => m.messageId === `<${d.eventId}@relais.notifications>`)!,
  );
  assert.equal(first!.subject, 'Votre demande a bien été reçue');
  assert.match(first!.text, /Nous avons bien reçu votre demande \(bac endommagé\) du 4 novembre 2026 à 08:15\./);
  assert.equal(second!.subject, 'Votre demande est en cours de traitement');
  assert.match(second!.text, /est planifiée par le service de gestion des déchets\.\nIntervention prévue le 6 novembre 2026\./);
});

test('a permanent refusal (550) is a rejection without the address; a temporary one (451) or no server is retryable', async () => {
  mailbox.refuse(550);
  const refused = await sink.apply(
    delivery(SERVICE_REQUEST_RESOLVED_V1, {
      requestId: 'SR-2',
      status: 'resolved',
      competentService: 'waste-management',
      resolvedAt: '2026-11-06T08:30:00Z',
    }),
    context(),
  );
  assert.equal(refused.status, 'rejected');
  assert.match(refused.status === 'rejected' ? refused.reason : '', /email refused \(550\)/);
  assert.doesNotMatch(refused.status === 'rejected' ? refused.reason : '', /camille|example\.fr/);

  mailbox.refuse(451);
  const retried = delivery(SERVICE_REQUEST_RESOLVED_V1, {
    requestId: 'SR-3',
    status: 'resolved',
    competentService: 'waste-management',
    resolvedAt: '2026-11-06T08:30:00Z',
  });
  await assert.rejects(sink.apply(retried, context()), (error: Error) => error instanceof RetryableError && !/camille/.test(error.message));
  assert.deepEqual(await sink.apply(retried, context()), { status: 'applied' }, 'the retry goes through');

  const nowhere = createEmailSink(new EmailClient({ smtpUrl: 'smtp://127.0.0.1:9', from: 'x@relais.example' }));
  await assert.rejects(nowhere.apply(retried, context()), RetryableError);
  await nowhere.close?.();
});

test('no template for the type, or no valid address held: rejected, nothing sent', async () => {
  const before = mailbox.messages().length;
  assert.equal(
    (await sink.apply(delivery('fr.relais.citizen.death.registered.v1', { dateOfDeath: '2026-11-20' }), context())).status,
    'rejected',
  );
  assert.equal(
    (await sink.apply(delivery(SERVICE_REQUEST_SUBMITTED_V1, { requestId: 'SR-4' }, 'not-an-address'), context())).status,
    'rejected',
  );
  assert.equal(mailbox.messages().length, before);
});

test("a deceased citizen's own address receives nothing: rejected with CITIZEN_DECEASED and the date", async () => {
  const d = {
    ...delivery(SERVICE_REQUEST_SUBMITTED_V1, {
      requestId: 'SR-DECEASED',
      category: 'waste.missed-collection',
      status: 'submitted',
      competentService: 'waste-management',
      submittedAt: '2026-11-06T08:30:00Z',
    }),
    citizenDeceasedOn: '2026-11-20',
  };
  const sent = mailbox.messages().length;
  assert.deepEqual(await sink.apply(d, context()), {
    status: 'rejected',
    reason: 'CITIZEN_DECEASED: a death is registered for this citizen (2026-11-20); nothing is sent to their own address',
  });
  assert.equal(mailbox.messages().length, sent, 'no email');
});

const claire = { name: 'Claire Martin', relationship: 'fille', language: 'fr' as const };
const toContact = (familyContact: Delivery['familyContact'], type = DEATH_REGISTERED_V1): Delivery => ({
  ...delivery(type, { dateOfDeath: '2026-11-20' }, 'claire.martin@example.fr'),
  citizenDeceasedOn: '2026-11-20',
  familyContact,
});

test('a registered death with a family contact: the contact receives a condolence notice in French, the deceased nothing', async () => {
  const d = toContact(claire);
  assert.deepEqual(await sink.apply(d, context()), { status: 'applied' });
  const mail = mailbox.messages().find((m) => m.messageId === `<${d.eventId}@relais.notifications>`)!;
  assert.deepEqual(mail.to, ['claire.martin@example.fr']);
  assert.equal(mail.subject, 'Décès de votre proche : les administrations sont informées');
  assert.match(mail.text, /^Bonjour Claire Martin,/);
  assert.match(mail.text, /sincères condoléances/);
  assert.match(mail.text, /Le décès de votre proche, survenu le 20 novembre 2026, a été enregistré/);
  assert.match(mail.text, /contact familial \(fille\)/);
  assert.ok(!mailbox.messages().some((m) => m.to.includes(address) && m.messageId === mail.messageId));
});

test("the notice is written in the contact's language", async () => {
  const d = toContact({ name: 'Sam Martin', relationship: 'son', language: 'en' });
  assert.deepEqual(await sink.apply(d, context()), { status: 'applied' });
  const mail = mailbox.messages().find((m) => m.messageId === `<${d.eventId}@relais.notifications>`)!;
  assert.equal(mail.subject, 'The death of your relative: the administrations have been informed');
  assert.match(mail.text, /^Dear Sam Martin,/);
  assert.match(mail.text, /The death of your relative on 20 November 2026 has been registered/);
  assert.match(mail.text, /declared as the family contact \(son\)/);
});

test('a family contact receives only the notice of the death: another event about the deceased is rejected, nothing sent', async () => {
  const sent = mailbox.messages().length;
  assert.deepEqual(await sink.apply(toContact(claire, SERVICE_REQUEST_SUBMITTED_V1), context()), {
    status: 'rejected',
    reason: `email has no family-contact template for ${SERVICE_REQUEST_SUBMITTED_V1}`,
  });
  assert.equal(mailbox.messages().length, sent);
});

test('a family contact on a delivery about a living citizen is ignored: the citizen template, to citizenId', async () => {
  const { citizenDeceasedOn: _, ...alive } = toContact(claire);
  const sent = mailbox.messages().length;
  // A death event has no citizen template: the contact alone is never a reason to write.
  assert.equal((await sink.apply(alive, context())).status, 'rejected');
  assert.equal(mailbox.messages().length, sent);
});
