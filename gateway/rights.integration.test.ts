/**
 * The rights file enforced by the gateway, against real PostgreSQL and the civil registry
 * simulator (SOAP, in process): what an attacker holding an ordinary credential tried (issue 18)
 * is refused with a 403 naming the rule, nothing is stored, and the refusal is in the audit log;
 * every allowed read of personal data is in the audit log too.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CivilRegistryClient } from '../connectors/civil-registry/client.ts';
import { createRegisterIdentityResolver } from '../connectors/civil-registry/identity.ts';
import { loadFlows } from '../core/flows/flows.ts';
import { linkIdentifier } from '../identity/identity-store.ts';
import { createLogger } from '../core/logger.ts';
import { topicNames } from '../core/topics.ts';
import { ADDRESS_CHANGED_V1, CONTACT_CHANGED_V1, DEATH_REGISTERED_V1, eventExamples } from '../schemas/index.ts';
import { seedRegistre } from '../silos/civil-registry/seed.ts';
import { startCivilRegistrySilo, type CivilRegistrySilo } from '../silos/civil-registry/server.ts';
import { createTestDatabase, type TestDatabase } from '@relais/connector-kit/testing';
import { listen } from '../test/support/http.ts';
import { createApp } from './app.ts';
import { Authenticator, sha256Hex, type Credential } from './auth.ts';
import { loadRights } from './rights/rights.ts';

const flows = loadFlows('flows');
const rights = loadRights('flows/rights.yaml', flows);
const jeanne = '6f1c1a52-8a47-4c3e-9a43-5d8f1a0c2b11';
const paul = '0b7e3a0e-2c1d-4f6a-9d7b-3c5a1e2f4d60';
const registryCredentials = { username: 'relais', password: 'rights-test' };

const credential = (name: string, scopes: Credential['scopes'], extra: Partial<Credential> = {}): Credential => ({
  name,
  tokenSha256: sha256Hex(`${name}-token`),
  scopes,
  ...extra,
});
const bearer = (name: string): Record<string, string> => ({ authorization: `Bearer ${name}-token` });

let database: TestDatabase;
let registry: CivilRegistrySilo;
let server: { url: string; close(): Promise<void> };

before(async () => {
  database = await createTestDatabase('postgres');
  registry = await startCivilRegistrySilo({ credentials: registryCredentials });
  await seedRegistre(registry.registre);
  await linkIdentifier(database.db, jeanne, 'social-services', 'SS-000123');
  await linkIdentifier(database.db, jeanne, 'civil-registry', 'EC-00000456');
  await linkIdentifier(database.db, paul, 'waste-management', 'USG-000777');
  const client = new CivilRegistryClient({ url: registry.soapUrl, ...registryCredentials, timeoutMs: 5000 });
  const writer: Credential['scopes'] = ['changes:write', 'changes:read', 'citizens:read'];
  const auth = new Authenticator([
    credential('waste-desk', writer, { system: 'waste-management' }),
    credential('social-services-front-desk', writer, { system: 'social-services' }),
    credential('officer', writer, { roles: ['civil-registry-officer'] }),
    credential('operator', ['systems:read', 'citizens:read'], { roles: ['operator'] }),
  ]);
  server = await listen(
    createApp({
      db: database.db,
      flows: () => flows,
      rights,
      topics: topicNames('relais'),
      auth,
      logger: createLogger({ component: 'test', level: 'silent' }),
      maxBodyBytes: 8192,
      identityResolver: createRegisterIdentityResolver('civil-registry', client, 5000),
    }),
  );
});

after(async () => {
  await server.close();
  await registry.close();
  await database.drop();
});

const lyon = { communeName: 'Lyon', communeInsee: '69383', country: 'FR' };
const address = {
  address: { number: '3', streetName: 'rue Garibaldi', postcode: '69003', ...lyon },
  effectiveDate: '2026-11-01',
};
const death = (actReference?: string) => ({
  dateOfDeath: '2026-11-20',
  placeOfDeath: lyon,
  ...(actReference ? { actReference } : {}),
});

async function post(who: string, body: object): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}/v1/changes`, {
    method: 'POST',
    headers: { ...bearer(who), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const tellAddress = (who: string, citizen: object, channel = 'desk') =>
  post(who, { type: ADDRESS_CHANGED_V1, citizen, channel, data: address });

async function get(who: string, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}${path}`, { headers: { ...bearer(who), ...headers } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const count = async (sql: string, params: unknown[] = []): Promise<number> =>
  (await database.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params)).rows[0]!.n;

async function audit(actor: string, action: string) {
  return (
    await database.db.query<{ change_id: string | null; pivot_id: string | null; details: Record<string, unknown> }>(
      'SELECT change_id, pivot_id, details FROM audit_log WHERE actor = $1 AND action = $2 ORDER BY id',
      [actor, action],
    )
  ).rows;
}

test('waste-desk declares a death: 403 naming the rule, nothing stored, the refusal audited', async () => {
  const before = await count('changes');
  const refused = await post('waste-desk', {
    type: DEATH_REGISTERED_V1,
    citizen: { system: 'waste-management', id: 'USG-000777' },
    channel: 'desk',
    data: death('DC-2026-999999'),
  });
  assert.equal(refused.status, 403);
  assert.equal(refused.body['code'], 'rights-refused');
  assert.equal(refused.body['rule'], 'originate');
  assert.match(
    String(refused.body['detail']),
    /waste-desk may not originate fr\.relais\.citizen\.death\.registered\.v1.*flows\/rights\.yaml:\d+/,
  );
  assert.equal(await count('changes'), before);
  assert.equal(await count('outbox'), 0);
  const [entry] = await audit('waste-desk', 'rights.refused');
  assert.deepEqual(entry?.details, { rule: 'originate', operation: 'POST /v1/changes', type: DEATH_REGISTERED_V1 });
});

test("waste-desk naming a citizen by social-services' identifier: 403 naming; by its own: accepted", async () => {
  const other = await tellAddress('waste-desk', { system: 'social-services', id: 'SS-000123' });
  assert.equal(other.status, 403);
  assert.equal(other.body['rule'], 'naming');
  // A pivot id the waste system never received is refused too; one it holds a file on is not.
  const notReceived = await tellAddress('waste-desk', { pivotId: jeanne });
  assert.equal(notReceived.status, 403);
  assert.equal(notReceived.body['rule'], 'naming');
  const received = await tellAddress('waste-desk', { pivotId: paul });
  assert.equal(received.status, 202);
  const own = await tellAddress('waste-desk', { system: 'waste-management', id: 'USG-000777' });
  assert.equal(own.status, 202);
  assert.equal(own.body['pivotId'], paul);
  assert.equal((await audit('waste-desk', 'rights.refused')).filter((e) => e.details['rule'] === 'naming').length, 2);
});

test("social services reading another system's change: 403; its own change: 200 and audited", async () => {
  // A contact change goes to no system: only waste management, which told it, knows of it.
  const wastes = await post('waste-desk', {
    type: CONTACT_CHANGED_V1,
    citizen: { system: 'waste-management', id: 'USG-000777' },
    channel: 'phone',
    data: eventExamples(CONTACT_CHANGED_V1).valid[0],
  });
  assert.equal(wastes.status, 202);
  const other = await get('social-services-front-desk', `/v1/changes/${String(wastes.body['id'])}`);
  assert.equal(other.status, 403);
  assert.equal(other.body['rule'], 'read:own-changes');

  const mine = await tellAddress('social-services-front-desk', { system: 'social-services', id: 'SS-000123' });
  assert.equal(mine.status, 202);
  const read = await get('social-services-front-desk', `/v1/changes/${String(mine.body['id'])}`);
  assert.equal(read.status, 200);
  const reads = await audit('social-services-front-desk', 'personal-data.read');
  assert.deepEqual(reads.at(-1), {
    change_id: mine.body['id'],
    pivot_id: jeanne,
    details: { operation: 'GET /v1/changes/{id}', grant: 'clients.social-services-front-desk.read.own-changes' },
  });
});

test('a timeline without an agent role: 403; an agent without a purpose: 400; with one: 200 and audited with it', async () => {
  const path = `/v1/citizens/${jeanne}/timeline`;
  const service = await get('social-services-front-desk', path, { 'relais-purpose': 'curiosity' });
  assert.equal(service.status, 403);
  assert.equal(service.body['rule'], 'read:timelines');
  const operator = await get('operator', path, { 'relais-purpose': 'curiosity' });
  assert.equal(operator.status, 403);
  assert.equal((await get('officer', path)).status, 400);
  const allowed = await get('officer', path, { 'relais-purpose': 'dossier de décès DC-2026-000001' });
  assert.equal(allowed.status, 200);
  const [entry] = await audit('officer', 'personal-data.read');
  assert.deepEqual(entry, {
    change_id: null,
    pivot_id: jeanne,
    details: {
      operation: 'GET /v1/citizens/{pivotId}/timeline',
      grant: 'roles.civil-registry-officer.read.timelines',
      purpose: 'dossier de décès DC-2026-000001',
    },
  });
});

test('a death at the civil registry desk: refused until the register issues its act, then accepted with that act only', async () => {
  const tell = (actReference?: string) =>
    post('officer', { type: DEATH_REGISTERED_V1, citizen: { pivotId: jeanne }, channel: 'desk', data: death(actReference) });
  const noAct = await tell();
  assert.equal(noAct.status, 403);
  assert.equal(noAct.body['rule'], 'act-confirmed-by-register');
  assert.match(String(noAct.body['detail']), /data\.actReference/);
  const unconfirmed = await tell('DE-2026-000001');
  assert.equal(unconfirmed.status, 403);
  assert.match(String(unconfirmed.body['detail']), /civil-registry does not record this event/);

  const recorded = await fetch(`${registry.url}/_admin/evenements`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'DECES',
      personne: 'EC-00000456',
      dateEvenement: '2026-11-20',
      lieu: { commune: 'Lyon', codeInsee: '69383', codePays: 'FR' },
    }),
  });
  assert.equal(recorded.status, 201);
  const { numeroActe } = (await recorded.json()) as { numeroActe: string };
  // The register records the death now, but an invented act number is still not its act.
  const before = await count('changes');
  const invented = await tell('DC-2026-000001');
  assert.deepEqual([invented.status, invented.body['rule']], [403, 'act-confirmed-by-register']);
  assert.match(String(invented.body['detail']), /civil-registry does not record this event/);
  assert.equal(await count('changes'), before, 'nothing stored');
  const confirmed = await tell(numeroActe);
  assert.equal(confirmed.status, 202, JSON.stringify(confirmed.body));
  // Through the web, or by another role, the same death is refused.
  const web = await post('officer', {
    type: DEATH_REGISTERED_V1,
    citizen: { pivotId: jeanne },
    channel: 'web',
    data: death(numeroActe),
  });
  assert.equal(web.body['rule'], 'originate');
});
