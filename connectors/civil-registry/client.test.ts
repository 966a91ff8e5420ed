/**
 * The typed SOAP client against the live register simulator over HTTP: its hand-written types
 * equal what the served WSDL declares; answers are normalised (calendar dates, lists); faults,
 * outages and timeouts become the contract's errors; hostile answers (XXE, billion laughs,
 * excessive depth or size) are refused before parsing, without their content, and the client
 * keeps working.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import soap from 'soap';
import { RelaisError } from '@relais/connector-kit';
import { seedRegistre } from '../../silos/civil-registry/seed.ts';
import { startCivilRegistrySilo, type CivilRegistrySilo } from '../../silos/civil-registry/server.ts';
import { CivilRegistryClient, motifsDissolution, typesEvenement, wsdlFields } from './client.ts';

const credentials = { username: 'relais', password: 'registre-secret' };
let silo: CivilRegistrySilo;
let client: CivilRegistryClient;

before(async () => {
  silo = await startCivilRegistrySilo({ credentials });
  await seedRegistre(silo.registre);
  client = new CivilRegistryClient({ url: silo.soapUrl, ...credentials, timeoutMs: 1000 });
});
after(() => silo.close());

const setFault = (fault: object | null) =>
  fetch(
    `${silo.url}/_admin/pannes`,
    fault ? { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) } : { method: 'DELETE' },
  );

async function refusal(call: Promise<unknown>): Promise<RelaisError> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof RelaisError, `a RelaisError, not ${String(error)}`);
    return error;
  }
  throw new Error('expected a refusal');
}

type Described = Record<string, unknown>;
const fieldsOf = (node: unknown): string[] =>
  Object.keys(node as Described)
    .filter((k) => k !== 'targetNSAlias' && k !== 'targetNamespace')
    .map((k) => k.replace(/\[\]$/, ''));
const enumOf = (node: unknown): string[] => String(node).split('|')[2]!.split(',');

test('the hand-written types equal what the live WSDL declares', async () => {
  const raw = await soap.createClientAsync(silo.wsdlUrl);
  const port = (raw.describe() as Record<string, Record<string, Record<string, { input: Described; output: Described }>>>)[
    'RegistreEtatCivil'
  ]!['RegistreEtatCivilPort']!;
  const list = port['ListerEvenements']!;
  const evenement = list.output['evenement[]'] as Described;
  const search = port['RechercherPersonne']!;
  const resultat = search.output['resultat[]'] as Described;
  assert.deepEqual(fieldsOf(list.input), [...wsdlFields.ListerEvenements]);
  assert.deepEqual(fieldsOf(list.output), [...wsdlFields.ListerEvenementsResponse]);
  assert.deepEqual(fieldsOf(evenement), [...wsdlFields.Evenement]);
  assert.deepEqual(fieldsOf(evenement['lieu']), [...wsdlFields.Lieu]);
  assert.deepEqual(fieldsOf(search.input), [...wsdlFields.RechercherPersonne]);
  assert.deepEqual(fieldsOf(resultat), [...wsdlFields.Concordance]);
  assert.deepEqual(fieldsOf(port['ObtenirPersonne']!.output['personne']), [...wsdlFields.Personne]);
  assert.deepEqual(fieldsOf(port['ObtenirActe']!.input), [...wsdlFields.ObtenirActe]);
  assert.deepEqual(fieldsOf(port['ObtenirActe']!.output['acte']), [...wsdlFields.Acte]);
  assert.deepEqual(enumOf(evenement['type']), [...typesEvenement]);
  assert.deepEqual(enumOf(evenement['motifDissolution']), [...motifsDissolution]);
});

test('answers are normalised: calendar dates, lists, numbers; an unknown person or act is undefined', async () => {
  const death = await silo.registre.enregistrerEvenement({
    type: 'DECES',
    personne: 'EC-00000456',
    dateEvenement: '2026-11-20',
    lieu: { commune: 'Lyon', codePays: 'FR' },
  });
  const page = await client.listEvents('0', 10);
  assert.equal(page.evenements.length, 1);
  assert.deepEqual(
    [page.evenements[0]!.numero, page.evenements[0]!.dateEvenement, page.curseurSuivant, page.encore],
    [1, '2026-11-20', '1', false],
  );
  const hits = await client.search({ nomNaissance: 'Bernard', prenoms: 'Jean-Pierre', dateNaissance: '1962-07-14' });
  assert.deepEqual(hits.map((h) => [h.identifiant, h.personne.dateNaissance]).sort(), [
    ['EC-00000901', '1962-07-14'],
    ['EC-00000902', '1962-07-14'],
  ]);
  assert.deepEqual(await client.search({ nomNaissance: 'Personne', prenoms: 'Inconnue', dateNaissance: '2000-01-01' }), []);
  assert.equal((await client.getPerson('EC-00000456'))?.dateDeces, '2026-11-20');
  assert.equal(await client.getPerson('EC-00000999'), undefined);
  assert.deepEqual(await client.getAct(death.numeroActe), {
    numeroActe: death.numeroActe,
    type: 'DECES',
    personne: 'EC-00000456',
    dateEvenement: '2026-11-20',
  });
  assert.equal(await client.getAct('DE-1999-000001'), undefined);
});

test('faults, outages, timeouts and wrong credentials become the contract errors', async () => {
  const bad = await refusal(client.listEvents('not-a-cursor', 10));
  assert.deepEqual([bad.code, bad.retriable], ['SILO_REFUSED', false]);
  assert.match(bad.message, /CURSEUR_INVALIDE/);
  await setFault({ mode: 'erreur', restant: 1 });
  const failing = await refusal(client.listEvents('0', 10));
  assert.deepEqual([failing.code, failing.retriable], ['SILO_UNAVAILABLE', true]);
  await setFault({ mode: 'lenteur', delaiMs: 2000, restant: 1 });
  assert.equal((await refusal(client.listEvents('0', 10))).retriable, true, 'a timeout is retriable');
  const wrong = new CivilRegistryClient({ url: silo.soapUrl, username: 'relais', password: 'wrong', timeoutMs: 1000 });
  const denied = await refusal(wrong.listEvents('0', 10));
  assert.deepEqual([denied.retriable, /AUTHENTIFICATION_REFUSEE/.test(denied.message)], [true, true]);
  const nowhere = new CivilRegistryClient({ url: 'http://127.0.0.1:1/registre', ...credentials, timeoutMs: 1000 });
  assert.deepEqual([(await refusal(nowhere.listEvents('0', 10))).code], ['SILO_UNAVAILABLE']);
  assert.equal((await client.listEvents('0', 10)).curseurSuivant, '1', 'the client works again');
});

test('hostile answers are refused before parsing (XML_UNSAFE, not retriable, no content), and the client keeps working', async () => {
  // The size limit, not the clock, must stop a 20 MiB answer: a loaded machine takes more than
  // the shared client's 1 s to send it.
  const patient = new CivilRegistryClient({ url: silo.soapUrl, ...credentials, timeoutMs: 15_000 });
  for (const [charge, rule] of [
    ['xxe', 'DOCTYPE'],
    ['milliard-de-rires', 'DOCTYPE'],
    ['profondeur', 'nested deeper'],
    ['taille', 'size limit|above the limit'],
  ] as const) {
    await setFault({ mode: 'reponse-hostile', charge, restant: 1 });
    const refused = await refusal(patient.listEvents('0', 10));
    assert.deepEqual([refused.code, refused.retriable], ['XML_UNSAFE', false], charge);
    assert.match(refused.message, new RegExp(rule), charge);
    assert.doesNotMatch(refused.message, /passwd|lol|<p>/, `${charge}: the content is not in the message`);
  }
  await setFault({ mode: 'reponse-hostile', charge: 'xxe', restant: 1 });
  assert.equal((await refusal(client.getAct('DE-2026-000001'))).code, 'XML_UNSAFE', 'reading an act passes the same guard');
  assert.equal((await client.listEvents('0', 10)).curseurSuivant, '1');
});
