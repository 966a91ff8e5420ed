/**
 * Identity from the register, end to end (gateway → register over SOAP → store → Kafka → silo):
 * a change naming its citizen by civil data resolves to the pivot id on an exact match, is a 422
 * when nobody matches, and is held for review when homonyms match — nothing propagates until an
 * agent decides, then it propagates once. Each crosswalk link records how it was made.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { linkIdentifier, linksOf } from '../identity/identity-store.ts';
import { linkMatchOf } from '../identity/match-record.ts';
import { newPivotId } from '../core/ids.ts';
import { postJson } from './support/http.ts';
import { devToken, startStack, type ChangeView, type Stack } from './support/stack.ts';

let stack: Stack;
const auth = { authorization: `Bearer ${devToken}` };
const bernard = {
  birthName: 'bérnard',
  givenNames: ['Jean Pierre'],
  dateOfBirth: '1962-07-14',
  placeOfBirth: { communeName: 'LYON', country: 'FR' },
};

before(async () => {
  stack = await startStack({ store: 'postgres', flows: ['social-services.yaml', 'civil-registry.yaml'] });
});
after(() => stack?.stop());

function addressChangeFor(civil: object, street: string): object {
  return {
    type: 'fr.relais.citizen.address.changed.v1',
    citizen: { civil },
    channel: 'desk',
    data: {
      address: { number: '5', streetName: street, postcode: '69003', communeName: 'Lyon', communeInsee: '69383', country: 'FR' },
      effectiveDate: '2026-11-01',
    },
  };
}

type Review = {
  id: string;
  changeId: string;
  status: string;
  civil?: object;
  candidates?: { registerId: string; matched: string[]; score: number }[];
  decidedBy?: string;
  chosenRegisterId?: string;
};
type HeldChange = ChangeView & { identityReview?: { id: string; status: string } };

async function call<T>(method: string, path: string, body?: object): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await fetch(`${stack.relais.gatewayUrl}${path}`, {
    method,
    headers: { ...auth, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as T, headers: response.headers };
}

/** A person the register knew before its event log began (the simulator's admin API). */
const addRegisterPerson = (person: object): Promise<Response> =>
  fetch(`${stack.registryUrl}/_admin/personnes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(person),
  });

const count = async (sql: string, params: unknown[] = []) => (await stack.database!.db.query<{ n: number }>(sql, params)).rows[0]!.n;
const outboxRowsFor = (changeId: string) => count("SELECT count(*)::int AS n FROM outbox WHERE headers->>'ce_id' = $1", [changeId]);

test('an exact match resolves to the register person’s pivot id; a new person gets one, linked as civil-data-exact', async () => {
  // Jeanne Marie Martin (EC-00000123) is the demo citizen of social services' file SS-000123.
  const demo = await stack.postChange(
    addressChangeFor(
      {
        birthName: 'Martin',
        givenNames: ['jeanne'],
        dateOfBirth: '1948-05-02',
        placeOfBirth: { communeName: 'Lyon', communeInsee: '69123', country: 'FR' },
      },
      'rue Exacte',
    ),
  );
  assert.equal(demo.status, 202);
  const settled = await stack.waitForStatus(demo.body.id, (c) => c.status === 'completed');
  assert.deepEqual(
    settled.recipients.map((r) => [r.system, r.status]),
    [['social-services', 'applied']],
  );
  assert.equal((await stack.file('SS-000123')).adresse['libelleVoie'], 'rue Exacte');

  const created = await addRegisterPerson({
    identifiant: 'EC-00031001',
    nomNaissance: "L'HÔPITAL",
    prenoms: 'Anne-Sophie Claire',
    sexe: 'F',
    dateNaissance: '1990-02-03',
    lieuNaissance: { commune: 'Bron', codeInsee: '69029', codePays: 'FR' },
  });
  assert.equal(created.status, 201);
  const place = { communeName: 'Bron', communeInsee: '69029', country: 'FR' };
  const accepted = await stack.postChange(
    addressChangeFor({ birthName: "l'Hopital", givenNames: ['Anne Sophie'], dateOfBirth: '1990-02-03', placeOfBirth: place }, 'rue Neuve'),
  );
  assert.equal(accepted.status, 202);
  const again = await stack.postChange(
    addressChangeFor(
      { birthName: 'LHOPITAL', givenNames: ['anne-sophie', 'claire'], dateOfBirth: '1990-02-03', placeOfBirth: place },
      'rue Neuve',
    ),
  );
  assert.equal(again.body.pivotId, accepted.body.pivotId, 'the same person, however the name is written');
  const firstOnly = await stack.postChange(
    addressChangeFor({ birthName: "L'Hôpital", givenNames: ['Anne'], dateOfBirth: '1990-02-03', placeOfBirth: place }, 'rue Neuve'),
  );
  assert.equal(firstOnly.status, 422, '"Anne" is not the given name "Anne-Sophie"');
  const links = await linksOf(stack.database!.db, accepted.body.pivotId);
  assert.deepEqual(
    links.map((l) => [l.system, l.localId, l.method, l.linkedBy]),
    [['civil-registry', 'EC-00031001', 'civil-data-exact', 'dev']],
  );
});

test('Lefèvre-Oeuvray is the register’s LEFÈVRE-ŒUVRAY: linked, with the match’s score and explanation', async () => {
  const created = await addRegisterPerson({
    identifiant: 'EC-00031002',
    nomNaissance: 'LEFÈVRE-ŒUVRAY',
    prenoms: 'Marie-Ange Solène',
    sexe: 'F',
    dateNaissance: '1985-03-09',
    lieuNaissance: { commune: 'Saint-Étienne', codeInsee: '42218', codePays: 'FR' },
  });
  assert.equal(created.status, 201);
  const accepted = await stack.postChange(
    addressChangeFor(
      {
        birthName: 'Lefèvre-Oeuvray',
        givenNames: ['Marie Ange'],
        dateOfBirth: '1985-03-09',
        placeOfBirth: { communeName: 'St Etienne', country: 'FR' },
      },
      'rue des Ligatures',
    ),
  );
  assert.equal(accepted.status, 202, 'was a 422 before ligatures were folded');
  const links = await linksOf(stack.database!.db, accepted.body.pivotId);
  assert.deepEqual(
    links.map((l) => [l.system, l.localId, l.method]),
    [['civil-registry', 'EC-00031002', 'civil-data-exact']],
  );
  const match = await linkMatchOf(stack.database!.db, 'civil-registry', 'EC-00031002');
  assert.equal(match?.score, 100);
  assert.deepEqual(
    match?.criteria.map((c) => [c.criterion, c.how]),
    [
      ['birthName', 'folded'],
      ['givenNames', 'first-given-names'],
      ['dateOfBirth', 'identical'],
      ['placeOfBirth', 'commune-name'],
    ],
  );
});

test('no match is a 422 on /citizen/civil and nothing is stored; a register outage is a 503 with Retry-After', async () => {
  const before = await count('SELECT count(*)::int AS n FROM changes');
  const none = await call<{ code: string; errors: { field: string }[] }>(
    'POST',
    '/v1/changes',
    addressChangeFor({ ...bernard, dateOfBirth: '1999-01-01' }, 'rue Personne'),
  );
  assert.deepEqual([none.status, none.body.code, none.body.errors[0]?.field], [422, 'validation-failed', '/citizen/civil']);
  // Until cleared, not `restant: 1`: the register's own source connector polls the same simulator
  // and could take a one-shot fault before the gateway's search does.
  await fetch(`${stack.registryUrl}/_admin/pannes`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mode: 'erreur' }),
  });
  const down = await call<{ code: string }>('POST', '/v1/changes', addressChangeFor(bernard, 'rue Panne')).finally(() =>
    fetch(`${stack.registryUrl}/_admin/pannes`, { method: 'DELETE' }),
  );
  assert.deepEqual([down.status, down.body.code, down.headers.get('retry-after')], [503, 'register-unavailable', '5']);
  assert.equal(await count('SELECT count(*)::int AS n FROM changes'), before);
});

test('homonyms: the change is held, nothing propagates; the agent’s choice releases it once', { timeout: 90_000 }, async () => {
  // The second Jean-Pierre Bernard (born in Bron) is known to social services as SS-800902.
  await stack.openFile('SS-800902');
  const pivot = newPivotId();
  await linkIdentifier(stack.database!.db, pivot, 'civil-registry', 'EC-00000902');
  await linkIdentifier(stack.database!.db, pivot, 'social-services', 'SS-800902');

  const posted = await call<HeldChange>('POST', '/v1/changes', addressChangeFor(bernard, 'rue des Homonymes'));
  assert.equal(posted.status, 202);
  assert.equal(posted.body.status, 'held_for_review');
  assert.equal(posted.body.pivotId, undefined);
  assert.deepEqual(posted.body.recipients, []);
  const reviewId = posted.body.identityReview!.id;
  assert.equal(await outboxRowsFor(posted.body.id), 0, 'nothing published while held');

  const pending = await call<{ reviews: Review[] }>('GET', '/v1/identity-reviews');
  const review = pending.body.reviews.find((r) => r.id === reviewId)!;
  assert.deepEqual(review.candidates!.map((c) => [c.registerId, c.matched, c.score]).sort(), [
    ['EC-00000901', ['birthName', 'givenNames', 'dateOfBirth', 'placeOfBirth'], 100],
    ['EC-00000902', ['birthName', 'givenNames', 'dateOfBirth'], 85],
  ]);
  assert.deepEqual(review.civil, bernard);

  const notCandidate = await call<{ code: string }>('POST', `/v1/identity-reviews/${reviewId}/decision`, {
    decision: 'match',
    registerId: 'EC-00000123',
  });
  assert.deepEqual([notCandidate.status, notCandidate.body.code], [422, 'validation-failed']);
  const decided = await call<{ review: Review; change: HeldChange }>('POST', `/v1/identity-reviews/${reviewId}/decision`, {
    decision: 'match',
    registerId: 'EC-00000902',
  });
  assert.equal(decided.status, 200);
  assert.deepEqual(
    [decided.body.review.status, decided.body.review.chosenRegisterId, decided.body.review.decidedBy],
    ['matched', 'EC-00000902', 'dev'],
  );
  assert.equal(decided.body.review.civil, undefined, 'civil data erased once decided');
  assert.equal(decided.body.review.candidates, undefined);
  assert.equal(decided.body.change.pivotId, pivot);

  const settled = await stack.waitForStatus(posted.body.id, (c) => c.status === 'completed', 60_000);
  assert.deepEqual(
    settled.recipients.map((r) => [r.system, r.status]),
    [['social-services', 'applied']],
  );
  const applied = (await stack.journal('SS-800902')).filter((e) => e.operation === 'changerAdresse' && e.statutHttp === 200 && !e.rejoue);
  assert.deepEqual(
    applied.map((e) => e.idempotencyKey),
    [posted.body.id],
    'applied once',
  );
  assert.equal(await outboxRowsFor(posted.body.id), 1);
  const again = await call<{ code: string }>('POST', `/v1/identity-reviews/${reviewId}/decision`, { decision: 'reject', reason: 'late' });
  assert.deepEqual([again.status, again.body.code], [409, 'review-decided']);
});

test('a person first linked by a review records it; a rejected review propagates nothing', async () => {
  // A third Jean-Pierre Bernard born that day, whom Relais has never met (the quick start links the other two).
  const third = { identifiant: 'EC-00000903', nomNaissance: 'BERNARD', prenoms: 'Jean-Pierre', sexe: 'M', dateNaissance: '1962-07-14' };
  const villeurbanne = { commune: 'Villeurbanne', codeInsee: '69266', codePays: 'FR' };
  assert.equal(await postJson(`${stack.registryUrl}/_admin/personnes`, { ...third, lieuNaissance: villeurbanne }), 201);
  const first = await call<HeldChange>('POST', '/v1/changes', addressChangeFor(bernard, 'rue A'));
  const decided = await call<{ change: HeldChange }>('POST', `/v1/identity-reviews/${first.body.identityReview!.id}/decision`, {
    decision: 'match',
    registerId: 'EC-00000903',
  });
  const links = await linksOf(stack.database!.db, decided.body.change.pivotId);
  assert.deepEqual(
    links.map((l) => [l.localId, l.method, l.linkedBy]),
    [['EC-00000903', 'identity-review', 'dev']],
  );
  // No social-services file is known for this person: social services is not concerned (docs/adr/0026).
  assert.deepEqual([decided.body.change.status, decided.body.change.recipients], ['no_recipients', []]);
  assert.deepEqual((await stack.getChange(first.body.id)).notConcerned, [{ system: 'social-services', reason: 'no-file' }]);

  const second = await call<HeldChange>('POST', '/v1/changes', addressChangeFor(bernard, 'rue B'));
  const rejected = await call<{ review: Review; change: HeldChange }>(
    'POST',
    `/v1/identity-reviews/${second.body.identityReview!.id}/decision`,
    { decision: 'reject', reason: 'neither candidate' },
  );
  assert.deepEqual([rejected.status, rejected.body.change.status, rejected.body.review.status], [200, 'review_rejected', 'rejected']);
  assert.equal(await outboxRowsFor(second.body.id), 0);
  const forbidden = await fetch(`${stack.relais.gatewayUrl}/v1/identity-reviews`, { headers: { authorization: 'Bearer nope' } });
  assert.equal(forbidden.status, 401);
});
