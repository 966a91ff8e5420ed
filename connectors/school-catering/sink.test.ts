/**
 * The school-catering sink against the real simulator over HTTP (no Kafka: the runtime's side
 * is the conformance suite's and test/'s). Checks what the silo holds, refusals and retry signals.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type Delivery, RetryableError } from '@relais/connector-kit';
import { testSinkContext } from '@relais/connector-kit/testing';
import { seedSchoolCatering } from '../../silos/school-catering/seed.ts';
import { startSchoolCateringSilo, type SchoolCateringSilo } from '../../silos/school-catering/server.ts';
import type { EntreeJournal, Famille } from '../../silos/school-catering/types.ts';
import { SchoolCateringClient } from './client.ts';
import { createSchoolCateringSink } from './sink.ts';

const token = 'sink-test-token';
let silo: SchoolCateringSilo;
const context = testSinkContext;
const fixture = (name: string, citizenId?: string): Delivery => {
  const delivery = JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as Delivery;
  return { ...delivery, eventId: randomUUID(), ...(citizenId ? { citizenId } : {}) };
};
const sink = (options: { baseUrl?: string; token?: string } = {}) =>
  createSchoolCateringSink(new SchoolCateringClient({ baseUrl: options.baseUrl ?? silo.url, token: options.token ?? token }));
const read = async <T>(path: string): Promise<T> =>
  (await (await fetch(`${silo.url}${path}`, { headers: { authorization: `Bearer ${token}` } })).json()) as T;

before(async () => {
  silo = await startSchoolCateringSilo({ token });
  await seedSchoolCatering(silo.store);
});
after(() => silo.close());

test("an address change moves the family's billing address, keyed by the event id; a replay applies nothing twice", async () => {
  const delivery = fixture('address-delivery.json');
  assert.deepEqual(await sink().apply(delivery, context()), { status: 'applied' });
  assert.deepEqual(await sink().apply(delivery, context()), { status: 'applied' });
  const famille = await read<Famille>('/familles/FAM-000123');
  assert.deepEqual(famille.adresseFacturation, {
    numero: '3 bis',
    voie: 'rue des Lilas',
    complement: 'Bâtiment B',
    codePostal: '69003',
    ville: 'Lyon',
  });
  const journal = await read<EntreeJournal[]>('/familles/FAM-000123/journal');
  assert.deepEqual(
    journal.map((e) => [e.cleIdempotence, e.rejoue]),
    [
      [delivery.eventId, false],
      [delivery.eventId, true],
    ],
  );
});

test('a household is declared; a child’s death ends its registrations', async () => {
  assert.deepEqual(await sink().apply(fixture('household-delivery.json'), context()), { status: 'applied' });
  assert.deepEqual(await sink().apply(fixture('death-delivery.json'), context()), { status: 'applied' });
  const famille = await read<Famille>('/familles/FAM-000123');
  assert.equal(famille.foyerDeclare?.length, 3);
  assert.deepEqual(
    famille.inscriptions.find((i) => i.numeroPersonne === 'PER-000124'),
    {
      numeroPersonne: 'PER-000124',
      prestation: 'CANTINE',
      etablissement: 'École élémentaire Ampère',
      dateDebut: '2026-09-01',
      statut: 'TERMINEE',
      dateFin: '2026-11-20',
      motifFin: 'DECES',
    },
  );
});

test('a refusal is a rejection with the silo’s code, without the person’s number', async () => {
  const outcome = await sink().apply(fixture('address-delivery.json', 'PER-999999'), context());
  assert.equal(outcome.status, 'rejected');
  const reason = outcome.status === 'rejected' ? outcome.reason : '';
  assert.match(reason, /^school-catering refused \(404 PERSONNE_INCONNUE\)/);
  assert.doesNotMatch(reason, /PER-999999/);
  const dead = await sink().apply(fixture('death-delivery.json'), context());
  assert.match(dead.status === 'rejected' ? dead.reason : '', /409 PERSONNE_DECEDEE/);
});

test('a 5xx, an unreachable silo or a wrong token is retryable; a delivery the flow starved is not', async () => {
  await fetch(`${silo.url}/_admin/pannes`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mode: 'erreur', restant: 1 }),
  });
  await assert.rejects(sink().apply(fixture('address-delivery.json'), context()), RetryableError);
  await assert.rejects(sink({ baseUrl: 'http://127.0.0.1:9' }).apply(fixture('address-delivery.json'), context()), RetryableError);
  await assert.rejects(sink({ token: 'wrong' }).apply(fixture('address-delivery.json'), context()), RetryableError);
  const starved = { ...fixture('address-delivery.json'), data: { effectiveDate: '2026-11-01', address: { postcode: '69003' } } };
  await assert.rejects(sink().apply(starved, context()), (error: Error & { retriable?: boolean }) => error.retriable === false);
});

test('an event type it does not handle is rejected', async () => {
  const outcome = await sink().apply({ ...fixture('address-delivery.json'), type: 'fr.relais.citizen.name.changed.v1' }, context());
  assert.deepEqual(outcome, { status: 'rejected', reason: 'school-catering does not handle fr.relais.citizen.name.changed.v1' });
});
