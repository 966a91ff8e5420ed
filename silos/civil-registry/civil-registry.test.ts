/**
 * The register simulator over real SOAP/HTTP, with the `soap` package's client and with a second,
 * independent SOAP stack (strong-soap) that only knows the served WSDL: operations, paging,
 * search, reading an act by its number, faults, WS-Security, the XML guard against real XXE / billion-laughs / depth / size
 * payloads, fault injection and persistence.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import soap from 'soap';
import { hostilePayload } from './faults.ts';
import { seedRegistre } from './seed.ts';
import { startCivilRegistrySilo, type CivilRegistrySilo } from './server.ts';

const credentials = { username: 'relais', password: 's3cret' };
let silo: CivilRegistrySilo;
let client: soap.Client;
const refused: string[] = [];

const lyon = { commune: 'Lyon', codeInsee: '69123', codePays: 'FR' };

interface Event {
  type: string;
  partenaire?: string;
}
interface Page {
  evenement?: Event | Event[];
  curseurSuivant: string;
  encore: boolean;
}
interface Person {
  identifiant: string;
  nomNaissance: string;
  dateDeces?: string;
}
interface Search {
  resultat?: { identifiant: string; critere: string[] }[];
}
interface Act {
  numeroActe: string;
  type: string;
  personne: string;
  partenaire?: string;
  dateEvenement: Date | string;
}
type Operations = {
  ListerEvenements: Page;
  RechercherPersonne: Search | null;
  ObtenirPersonne: { personne: Person };
  ObtenirActe: { acte: Act };
};

/** The soap package's generated methods are untyped: one typed door to them for the tests. */
async function call<O extends keyof Operations>(on: soap.Client, operation: O, args: object): Promise<Operations[O]> {
  const method = (on as unknown as Record<string, (a: object) => Promise<[Operations[O]]>>)[`${operation}Async`]!;
  return (await method.call(on, args))[0];
}
const asList = (value: Event | Event[] | undefined): Event[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

before(async () => {
  silo = await startCivilRegistrySilo({
    credentials,
    onRefused: (rule) => refused.push(rule),
    xmlLimits: { maxBytes: 64 * 1024, maxDepth: 32 },
  });
  await seedRegistre(silo.registre);
  client = await soap.createClientAsync(silo.wsdlUrl);
  client.setSecurity(new soap.WSSecurity(credentials.username, credentials.password, { passwordType: 'PasswordDigest' }));
});

after(() => silo.close());

async function admin(method: string, route: string, body?: object): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${silo.url}${route}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Records a life event at the desk (in Lyon unless told otherwise). */
const atTheDesk = (event: object) => admin('POST', '/_admin/evenements', { lieu: lyon, ...event });

async function faultOf(call: Promise<unknown>): Promise<{ faultcode: string; code: string }> {
  try {
    await call;
  } catch (error) {
    const fault = (
      error as { root?: { Envelope?: { Body?: { Fault?: { faultcode?: string; detail?: { erreur?: { code?: string } } } } } } }
    ).root?.Envelope?.Body?.Fault;
    return { faultcode: fault?.faultcode ?? '', code: fault?.detail?.erreur?.code ?? '' };
  }
  throw new Error('expected a SOAP fault');
}

async function rawSoap(xml: string): Promise<{ status: number; text: string }> {
  const response = await fetch(silo.soapUrl, {
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: 'urn:fr:etat-civil:registre:v1#ObtenirPersonne' },
    body: xml,
  });
  return { status: response.status, text: await response.text() };
}

test('the served WSDL names the real address and the four operations', async () => {
  const wsdl = await (await fetch(silo.wsdlUrl)).text();
  assert.match(wsdl, new RegExp(`location="${silo.soapUrl}"`));
  const described = client.describe() as Record<string, Record<string, object>>;
  const operations = Object.keys(described['RegistreEtatCivil']!['RegistreEtatCivilPort']!).sort();
  assert.deepEqual(operations, ['ListerEvenements', 'ObtenirActe', 'ObtenirPersonne', 'RechercherPersonne']);
});

test('life events recorded at the desk are listed in order, by page, from a cursor', async () => {
  const start = Number((await call(client, 'ListerEvenements', { taille: 200 })).curseurSuivant);
  const death = await admin('POST', '/_admin/evenements', {
    type: 'DECES',
    personne: 'EC-00000456',
    dateEvenement: '2026-11-20',
    lieu: lyon,
  });
  assert.equal(death.status, 201);
  const birth = await admin('POST', '/_admin/evenements', {
    type: 'NAISSANCE',
    dateEvenement: '2026-11-21',
    lieu: lyon,
    naissance: { nomNaissance: 'Durand', prenoms: 'Léa', sexe: 'F' },
  });
  const pacs = await admin('POST', '/_admin/evenements', {
    type: 'PACS',
    personne: 'EC-00000901',
    partenaire: birth.body['personne'],
    dateEvenement: '2026-11-22',
    lieu: lyon,
  });
  assert.equal(pacs.status, 201);

  const first = await call(client, 'ListerEvenements', { curseur: String(start), taille: 2 });
  assert.deepEqual(
    asList(first.evenement).map((e) => e.type),
    ['DECES', 'NAISSANCE'],
  );
  assert.equal(first.encore, true);
  const second = await call(client, 'ListerEvenements', { curseur: first.curseurSuivant, taille: 2 });
  const pacsEvent = asList(second.evenement)[0]!;
  assert.equal(pacsEvent.type, 'PACS');
  assert.equal(pacsEvent.partenaire, birth.body['personne']);
  assert.equal(second.encore, false);
  const empty = await call(client, 'ListerEvenements', { curseur: second.curseurSuivant });
  assert.equal(empty.evenement, undefined);
  assert.equal(empty.encore, false);
  assert.equal(empty.curseurSuivant, second.curseurSuivant);
  const person = await call(client, 'ObtenirPersonne', { identifiant: 'EC-00000456' });
  assert.equal(new Date(person.personne.dateDeces ?? '').toISOString().slice(0, 10), '2026-11-20');
});

test('search returns every person with the same birth name and date, and which criteria concord', async () => {
  const found = await call(client, 'RechercherPersonne', {
    nomNaissance: 'bérnard',
    prenoms: 'jean pierre',
    dateNaissance: '1962-07-14',
    lieuNaissance: { commune: 'LYON', codePays: 'FR' },
  });
  const results = found?.resultat ?? [];
  assert.deepEqual(results.map((r) => r.identifiant).sort(), ['EC-00000901', 'EC-00000902']);
  assert.deepEqual(results.find((r) => r.identifiant === 'EC-00000901')!.critere, [
    'nomNaissance',
    'dateNaissance',
    'prenoms',
    'lieuNaissance',
  ]);
  assert.deepEqual(results.find((r) => r.identifiant === 'EC-00000902')!.critere, ['nomNaissance', 'dateNaissance', 'prenoms']);
  const none = await call(client, 'RechercherPersonne', { nomNaissance: 'Inconnu', prenoms: 'Personne', dateNaissance: '2000-01-01' });
  assert.equal(none?.resultat, undefined, 'no result: an empty response');
});

test('an act is read by the number the register gave it: its type, the persons it names, the date of the event', async () => {
  const bernard = await admin('POST', '/_admin/personnes', {
    nomNaissance: 'BERNARD',
    prenoms: 'Lucie',
    sexe: 'F',
    dateNaissance: '1990-03-04',
    lieuNaissance: lyon,
  });
  const lucie = bernard.body['identifiant'];
  const marriage = await atTheDesk({ type: 'MARIAGE', personne: 'EC-00000123', partenaire: lucie, dateEvenement: '2026-10-03' });
  const death = await atTheDesk({ type: 'DECES', personne: lucie, dateEvenement: '2026-11-25' });
  const numero = String(death.body['numeroActe']);
  assert.match(numero, /^DE-\d{4}-\d{6}$/);
  const { acte } = await call(client, 'ObtenirActe', { numeroActe: numero });
  assert.deepEqual(
    [acte.numeroActe, acte.type, acte.personne, acte.partenaire, new Date(acte.dateEvenement).toISOString().slice(0, 10)],
    [numero, 'DECES', lucie, undefined, '2026-11-25'],
  );
  const married = (await call(client, 'ObtenirActe', { numeroActe: marriage.body['numeroActe'] })).acte;
  assert.deepEqual([married.type, married.personne, married.partenaire], ['MARIAGE', 'EC-00000123', lucie]);

  assert.deepEqual(await faultOf(call(client, 'ObtenirActe', { numeroActe: 'DE-2026-999999' })), {
    faultcode: 'soap:Client',
    code: 'ACTE_INCONNU',
  });
  assert.deepEqual(await faultOf(call(client, 'ObtenirActe', { numeroActe: numero.toLowerCase() })), {
    faultcode: 'soap:Client',
    code: 'ACTE_INCONNU',
  });
  assert.deepEqual(await faultOf(call(client, 'ObtenirActe', { numeroActe: '' })), { faultcode: 'soap:Client', code: 'CHAMP_INVALIDE' });
});

test('bad requests get soap:Client faults with a stable code', async () => {
  assert.deepEqual(await faultOf(call(client, 'ObtenirPersonne', { identifiant: 'EC-99999999' })), {
    faultcode: 'soap:Client',
    code: 'PERSONNE_INCONNUE',
  });
  assert.deepEqual(await faultOf(call(client, 'ListerEvenements', { curseur: 'abc' })), {
    faultcode: 'soap:Client',
    code: 'CURSEUR_INVALIDE',
  });
  assert.deepEqual(await faultOf(call(client, 'ListerEvenements', { taille: 5000 })), {
    faultcode: 'soap:Client',
    code: 'TAILLE_INVALIDE',
  });
});

test('WS-Security: no token, a wrong password or a replayed digest nonce is refused; PasswordText works', async () => {
  const anonymous = await soap.createClientAsync(silo.wsdlUrl);
  assert.equal((await faultOf(call(anonymous, 'ObtenirPersonne', { identifiant: 'EC-00000123' }))).code, 'AUTHENTIFICATION_REFUSEE');
  anonymous.setSecurity(new soap.WSSecurity(credentials.username, 'wrong'));
  assert.equal((await faultOf(call(anonymous, 'ObtenirPersonne', { identifiant: 'EC-00000123' }))).code, 'AUTHENTIFICATION_REFUSEE');
  anonymous.setSecurity(new soap.WSSecurity(credentials.username, credentials.password));
  assert.equal((await call(anonymous, 'ObtenirPersonne', { identifiant: 'EC-00000123' })).personne.identifiant, 'EC-00000123');

  await call(client, 'ObtenirPersonne', { identifiant: 'EC-00000123' });
  const sent = client.lastRequest ?? '';
  assert.match(sent, /#PasswordDigest/);
  const replay = await rawSoap(sent);
  assert.match(replay.text, /AUTHENTIFICATION_REFUSEE/);
});

test('XXE, billion laughs, excessive depth and size are refused with a soap:Client fault, before parsing', async () => {
  const deep = `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>${'<x>'.repeat(100)}${'</x>'.repeat(100)}</soap:Body></soap:Envelope>`;
  const cases: [string, string, string][] = [
    ['xxe', hostilePayload('xxe'), 'doctype'],
    ['billion laughs', hostilePayload('milliard-de-rires'), 'doctype'],
    ['depth', deep, 'depth'],
    ['size', `<a>${'x'.repeat(100 * 1024)}</a>`, 'size'],
    ['malformed', '<soap:Envelope><a></soap:Envelope>', 'malformed'],
  ];
  for (const [name, xml, rule] of cases) {
    const answer = await rawSoap(xml);
    assert.equal(answer.status, 500, name);
    assert.match(answer.text, /<faultcode>soap:Client<\/faultcode>/, name);
    assert.match(answer.text, /<code>XML_REFUSE<\/code>/, name);
    assert.doesNotMatch(answer.text, /root:|passwd|lol/, `${name}: nothing of the payload is echoed`);
    assert.equal(refused.at(-1), rule, name);
  }
});

test('fault injection: erreur is a soap:Server fault, lenteur delays, reponse-hostile answers an attack; restant limits it', async () => {
  assert.equal((await admin('PUT', '/_admin/pannes', { mode: 'erreur', restant: 1 })).status, 200);
  assert.deepEqual(await faultOf(call(client, 'ObtenirPersonne', { identifiant: 'EC-00000123' })), {
    faultcode: 'soap:Server',
    code: 'ERREUR_SIMULEE',
  });
  assert.equal(
    (await call(client, 'ObtenirPersonne', { identifiant: 'EC-00000123' })).personne.identifiant,
    'EC-00000123',
    'restant: 1 lasts one request',
  );

  await admin('PUT', '/_admin/pannes', { mode: 'lenteur', delaiMs: 300, restant: 1 });
  const started = Date.now();
  await call(client, 'ObtenirPersonne', { identifiant: 'EC-00000123' });
  assert.ok(Date.now() - started >= 300);

  await admin('PUT', '/_admin/pannes', { mode: 'reponse-hostile', charge: 'xxe', restant: 1 });
  const answer = await rawSoap('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body/></soap:Envelope>');
  assert.match(answer.text, /<!DOCTYPE/);
  assert.equal((await admin('PUT', '/_admin/pannes', { mode: 'panique' })).status, 400);
  await admin('DELETE', '/_admin/pannes');
});

test('the admin API refuses events the register cannot record', async () => {
  assert.equal(
    (await admin('POST', '/_admin/evenements', { type: 'DECES', personne: 'EC-00000999', dateEvenement: '2026-11-20', lieu: lyon })).status,
    404,
  );
  assert.equal(
    (await admin('POST', '/_admin/evenements', { type: 'DECES', personne: 'EC-00000123', dateEvenement: '20/11/2026', lieu: lyon })).body[
      'code'
    ],
    'DATE_INVALIDE',
  );
  await admin('POST', '/_admin/evenements', { type: 'DECES', personne: 'EC-00000902', dateEvenement: '2026-11-20', lieu: lyon });
  assert.equal(
    (await admin('POST', '/_admin/evenements', { type: 'DECES', personne: 'EC-00000902', dateEvenement: '2026-11-21', lieu: lyon })).status,
    409,
  );
  assert.equal(
    (await admin('POST', '/_admin/evenements', { type: 'DIVORCE', personne: 'EC-00000123', dateEvenement: '2026-11-20', lieu: lyon })).body[
      'code'
    ],
    'TYPE_INVALIDE',
  );
});

const toError = (error: unknown): Error => (error instanceof Error ? error : new Error('strong-soap failed'));

interface StrongSoapClient {
  setSecurity(security: unknown): void;
  ObtenirPersonne(
    args: object,
    callback: (error: unknown, result: { personne: { identifiant: string; nomNaissance: string } }) => void,
  ): void;
  ListerEvenements(args: object, callback: (error: unknown, result: { curseurSuivant: string }) => void): void;
  ObtenirActe(args: object, callback: (error: unknown, result: { acte: { numeroActe: string; type: string } }) => void): void;
}
interface StrongSoap {
  createClient(url: string, options: object, callback: (error: unknown, client: StrongSoapClient) => void): void;
  WSSecurity: new (username: string, password: string, options?: object) => unknown;
}

test('a second, independent SOAP stack (strong-soap) consumes the WSDL and calls the service', async () => {
  const { soap: strong } = createRequire(import.meta.url)('strong-soap') as { soap: StrongSoap };
  const other = await new Promise<StrongSoapClient>((resolve, reject) =>
    strong.createClient(silo.wsdlUrl, {}, (error, c) => (error ? reject(toError(error)) : resolve(c))),
  );
  other.setSecurity(new strong.WSSecurity(credentials.username, credentials.password, { passwordType: 'PasswordDigest' }));
  const person = await new Promise<{ personne: { identifiant: string; nomNaissance: string } }>((resolve, reject) =>
    other.ObtenirPersonne({ identifiant: 'EC-00000123' }, (error, result) => (error ? reject(toError(error)) : resolve(result))),
  );
  assert.deepEqual([person.personne.identifiant, person.personne.nomNaissance], ['EC-00000123', 'MARTIN']);
  const page = await new Promise<{ curseurSuivant: string }>((resolve, reject) =>
    other.ListerEvenements({ curseur: '0', taille: 1 }, (error, result) => (error ? reject(toError(error)) : resolve(result))),
  );
  assert.equal(page.curseurSuivant, '1');
  const death = silo.registre.listerEvenements('0', 200).evenements.find((e) => e.type === 'DECES')!;
  const act = await new Promise<{ acte: { numeroActe: string; type: string } }>((resolve, reject) =>
    other.ObtenirActe({ numeroActe: death.numeroActe }, (error, result) => (error ? reject(toError(error)) : resolve(result))),
  );
  assert.equal(act.acte.type, 'DECES');
});

test('persons and events survive a restart on the same data directory', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'civil-registry-'));
  try {
    const first = await startCivilRegistrySilo({ credentials, dataDir });
    await seedRegistre(first.registre);
    const death = await first.registre.enregistrerEvenement({
      type: 'DECES',
      personne: 'EC-00000123',
      dateEvenement: '2026-11-20',
      lieu: lyon,
    });
    await first.close();
    const second = await startCivilRegistrySilo({ credentials, dataDir });
    assert.equal(second.registre.obtenir('EC-00000123').dateDeces, '2026-11-20');
    assert.equal(second.registre.obtenirActe(death.numeroActe).personne, 'EC-00000123', 'acts are found by number after a restart');
    assert.equal(second.registre.listerEvenements('0', 10).evenements.length, 1);
    await second.close();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
