/**
 * The social-services sink against the real simulator over HTTP (no Kafka: the runtime's
 * side is tested in packages/connector-kit and test/). Checks mapping, refusals and retry signals.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADDRESS_CHANGED_V1, DEATH_REGISTERED_V1, type Delivery, RetryableError } from '@relais/connector-kit';
import { testDelivery, testSinkContext } from '@relais/connector-kit/testing';
import { startSocialServicesSilo } from '../../silos/social-services/server.ts';
import { SocialServicesClient } from './client.ts';
import { createSocialServicesSink } from './sink.ts';

let silo: Awaited<ReturnType<typeof startSocialServicesSilo>>;
const apiKey = 'test-key';
const context = testSinkContext;

async function openFile(numeroDossier: string): Promise<void> {
  const response = await fetch(`${silo.url}/dossiers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: JSON.stringify({
      numeroDossier,
      nom: 'Test',
      prenoms: 'Test',
      adresse: { libelleVoie: 'rue A', codePostal: '69001', commune: 'Lyon' },
    }),
  });
  assert.equal(response.status, 201);
}

const delivery = (type: string, citizenId: string, data: Record<string, unknown>): Delivery =>
  testDelivery('social-services', { type, citizenId, data });

const address = {
  address: {
    number: '12',
    suffix: 'bis',
    streetName: 'rue des Lilas',
    postcode: '69003',
    communeName: 'Lyon',
    communeInsee: '69383',
    country: 'FR',
  },
  effectiveDate: '2026-11-01',
};

before(async () => {
  silo = await startSocialServicesSilo({ apiKey });
});
after(() => silo.close());

test('an address change is applied in the silo under its own field names, keyed by the event id', async () => {
  await openFile('SS-100001');
  const sink = createSocialServicesSink(new SocialServicesClient({ baseUrl: silo.url, apiKey }));
  const d = delivery(ADDRESS_CHANGED_V1, 'SS-100001', address);
  assert.deepEqual(await sink.apply(d, context()), { status: 'applied' });
  const file = (await (await fetch(`${silo.url}/dossiers/SS-100001`, { headers: { 'x-api-key': apiKey } })).json()) as {
    adresse: Record<string, string>;
  };
  assert.deepEqual(file.adresse, {
    numeroVoie: '12',
    indiceRepetition: 'bis',
    libelleVoie: 'rue des Lilas',
    codePostal: '69003',
    commune: 'Lyon',
    codeInsee: '69383',
    pays: 'FRANCE',
  });
  // Applying the same delivery again is a replay in the silo, not a second change.
  assert.deepEqual(await sink.apply(d, context()), { status: 'applied' });
  const journal = (await (await fetch(`${silo.url}/dossiers/SS-100001/journal`, { headers: { 'x-api-key': apiKey } })).json()) as {
    idempotencyKey: string;
    rejoue: boolean;
  }[];
  assert.deepEqual(
    journal.map((e) => [e.idempotencyKey, e.rejoue]),
    [
      [d.eventId, false],
      [d.eventId, true],
    ],
  );
});

test('a death closes the file', async () => {
  await openFile('SS-100002');
  const sink = createSocialServicesSink(new SocialServicesClient({ baseUrl: silo.url, apiKey }));
  const outcome = await sink.apply(delivery(DEATH_REGISTERED_V1, 'SS-100002', { dateOfDeath: '2026-11-20' }), context());
  assert.deepEqual(outcome, { status: 'applied' });
  const file = (await (await fetch(`${silo.url}/dossiers/SS-100002`, { headers: { 'x-api-key': apiKey } })).json()) as {
    statut: string;
    motifCloture: string;
  };
  assert.equal(file.statut, 'clos');
  assert.equal(file.motifCloture, 'DECES');
});

test("a refusal is a rejection with the silo's code and message, without the file number", async () => {
  const sink = createSocialServicesSink(new SocialServicesClient({ baseUrl: silo.url, apiKey }));
  const outcome = await sink.apply(delivery(ADDRESS_CHANGED_V1, 'SS-999999', address), context());
  assert.equal(outcome.status, 'rejected');
  assert.match(outcome.status === 'rejected' ? outcome.reason : '', /404 DOSSIER_INCONNU/);
  assert.doesNotMatch(outcome.status === 'rejected' ? outcome.reason : '', /SS-999999/);
});

test('a 5xx, an unreachable silo or a wrong API key is retryable (it ends in the DLQ, replayable)', async () => {
  await openFile('SS-100003');
  await fetch(`${silo.url}/_admin/pannes`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mode: 'erreur', restant: 1 }),
  });
  const sink = createSocialServicesSink(new SocialServicesClient({ baseUrl: silo.url, apiKey }));
  await assert.rejects(sink.apply(delivery(ADDRESS_CHANGED_V1, 'SS-100003', address), context()), RetryableError);
  const unreachable = createSocialServicesSink(new SocialServicesClient({ baseUrl: 'http://127.0.0.1:9', apiKey }));
  await assert.rejects(unreachable.apply(delivery(ADDRESS_CHANGED_V1, 'SS-100003', address), context()), RetryableError);
  const wrongKey = createSocialServicesSink(new SocialServicesClient({ baseUrl: silo.url, apiKey: 'nope' }));
  await assert.rejects(wrongKey.apply(delivery(ADDRESS_CHANGED_V1, 'SS-100003', address), context()), RetryableError);
});

test('a delivery missing what the silo requires is a bug in the flow, not a retry', async () => {
  const sink = createSocialServicesSink(new SocialServicesClient({ baseUrl: silo.url, apiKey }));
  await assert.rejects(
    sink.apply(delivery(ADDRESS_CHANGED_V1, 'SS-100001', { effectiveDate: '2026-11-01', address: { postcode: '69003' } }), context()),
    (error: Error & { retriable?: boolean }) => error.retriable === false,
  );
});
