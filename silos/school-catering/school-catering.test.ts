/** The school-catering simulator over real HTTP, in this process: rules, refusals, idempotency, faults, persistence. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedSchoolCatering } from './seed.ts';
import { startSchoolCateringSilo, type SchoolCateringSilo } from './server.ts';
import type { EntreeJournal, Erreur, Famille } from './types.ts';

const token = 'test-token';
let silo: SchoolCateringSilo;
const dataDir = mkdtempSync(join(tmpdir(), 'school-catering-'));

async function call<T>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${silo.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as T };
}
const write = <T = Famille>(path: string, body: unknown, key: string, method = 'PUT') =>
  call<T>(method, `/personnes/${path}`, body, { 'idempotency-key': key });
const move = { adresse: { numero: '9', voie: 'rue des Lilas', codePostal: '69003', ville: 'Lyon' }, dateEffet: '2026-11-01' };

before(async () => {
  silo = await startSchoolCateringSilo({ token, dataDir });
  await seedSchoolCatering(silo.store);
});
after(async () => {
  await silo.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('the families need the bearer token; the demo family is there', async () => {
  assert.equal((await call('GET', '/familles/FAM-000123', undefined, { authorization: 'Bearer nope' })).status, 401);
  const { status, body } = await call<Famille>('GET', '/familles/FAM-000123');
  assert.equal(status, 200);
  assert.equal(body.payeur, 'PER-000123');
  assert.deepEqual(
    body.inscriptions.map((i) => [i.prestation, i.statut]),
    [
      ['CANTINE', 'ACTIVE'],
      ['CRECHE', 'ACTIVE'],
    ],
  );
});

test("a person's move changes the family's billing address once, whatever the replays", async () => {
  const first = await write('PER-000456/adresse', move, 'k-move');
  assert.equal(first.status, 200);
  assert.deepEqual(first.body.adresseFacturation, move.adresse);
  assert.equal((await write('PER-000456/adresse', move, 'k-move')).status, 200);
  assert.equal(
    (await write<Erreur>('PER-000456/adresse', { ...move, dateEffet: '2026-12-01' }, 'k-move')).body.code,
    'CLE_IDEMPOTENCE_REUTILISEE',
  );
  const journal = (await call<EntreeJournal[]>('GET', '/familles/FAM-000456/journal')).body;
  assert.deepEqual(
    journal.map((e) => [e.operation, e.statutHttp, e.rejoue]),
    [
      ['changerAdresse', 200, false],
      ['changerAdresse', 200, true],
      ['changerAdresse', 422, false],
    ],
  );
});

test('the declared household is kept for the fee', async () => {
  const household = {
    membres: [
      { nom: 'Nguyen', prenoms: 'Paul', lien: 'DECLARANT' },
      { nom: 'Nguyen', prenoms: 'Lina', lien: 'ENFANT', aCharge: true },
    ],
    dateEffet: '2026-10-01',
  };
  const { body } = await write('PER-000456/foyer', household, 'k-household');
  assert.deepEqual([body.foyerDeclare?.length, body.dateEffetFoyer], [2, '2026-10-01']);
});

test("a child's death ends its registrations; the paying parent's passes the bills on or flags the family", async () => {
  const child = await write('PER-000457/deces', { dateDeces: '2026-11-20' }, 'k-child', 'POST');
  assert.deepEqual(
    child.body.inscriptions.map((i) => [i.statut, i.dateFin, i.motifFin]),
    [['TERMINEE', '2026-11-20', 'DECES']],
  );
  assert.equal((await write<Erreur>('PER-000457/deces', { dateDeces: '2026-11-20' }, 'k-other', 'POST')).body.code, 'PERSONNE_DECEDEE');
  const parent = await write('PER-000456/deces', { dateDeces: '2026-11-21' }, 'k-parent', 'POST');
  assert.deepEqual([parent.body.payeur, parent.body.payeurAContacter], [null, true]);
});

test('refusals: unknown person, missing key, unknown property, unreadable body', async () => {
  const unknown = await write<Erreur>('PER-999999/adresse', move, 'k1');
  assert.deepEqual([unknown.status, unknown.body.code], [404, 'PERSONNE_INCONNUE']);
  assert.doesNotMatch(unknown.body.libelle, /PER-999999/);
  assert.equal((await call<Erreur>('PUT', '/personnes/PER-000123/adresse', move)).body.code, 'CLE_IDEMPOTENCE_MANQUANTE');
  const extra = await write<Erreur>('PER-000123/adresse', { ...move, pays: 'FR' }, 'k2');
  assert.deepEqual([extra.status, extra.body.code], [422, 'REQUETE_INVALIDE']);
  assert.equal((await write<Erreur>('PER-000123/adresse', '{not json', 'k3')).body.code, 'CORPS_ILLISIBLE');
});

test('injected faults touch writes before anything is applied, for as many requests as asked', async () => {
  assert.equal((await call('PUT', '/_admin/pannes', { mode: 'erreur', restant: 1 })).status, 200);
  const failed = await write<Erreur>('PER-000123/adresse', move, 'k-fault');
  assert.deepEqual([failed.status, failed.body.code], [503, 'PANNE_SIMULEE']);
  assert.equal((await write('PER-000123/adresse', move, 'k-fault')).status, 200);
  await call('PUT', '/_admin/pannes', { mode: 'refus', statut: 409 });
  assert.equal(
    (await write<Erreur>('PER-000123/foyer', { membres: [{ nom: 'M', prenoms: 'J', lien: 'DECLARANT' }], dateEffet: '2026-01-01' }, 'k-r'))
      .body.code,
    'REFUS_SIMULE',
  );
  await call('DELETE', '/_admin/pannes');
  assert.equal((await call('PUT', '/_admin/pannes', { mode: 'erreur', statut: 404 })).status, 422);
});

test('the data survives a restart', async () => {
  await silo.close();
  silo = await startSchoolCateringSilo({ token, dataDir });
  assert.equal((await call<Famille>('GET', '/familles/FAM-000123')).body.adresseFacturation.voie, 'rue des Lilas');
});
