/**
 * Finding a citizen at a desk by civil data (GET /v1/citizens?birthName=…), against a real
 * PostgreSQL and the civil-registry simulator over SOAP: one plausible person Relais knows is the
 * citizen, with what matched; the two Jean-Pierre Bernard homonyms are both listed, the birth
 * place telling them apart in their scores; a person the register has but Relais does not, or no
 * one, is an empty list; missing civil data is a 400 naming the parameter. Each search is audited.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '@relais/connector-kit/testing';
import { CivilRegistryClient } from '../connectors/civil-registry/client.ts';
import { createRegisterIdentityResolver } from '../connectors/civil-registry/identity.ts';
import { loadFlows } from '../core/flows/flows.ts';
import { createLogger } from '../core/logger.ts';
import { topicNames } from '../core/topics.ts';
import { linkIdentifier } from '../identity/identity-store.ts';
import { seedRegistre } from '../silos/civil-registry/seed.ts';
import { startCivilRegistrySilo, type CivilRegistrySilo } from '../silos/civil-registry/server.ts';
import { agentCredential } from '../test/support/gateway.ts';
import { listen } from '../test/support/http.ts';
import { createApp } from './app.ts';
import { Authenticator } from './auth.ts';
import { loadRights } from './rights/rights.ts';

const jeanne = '6f1c1a52-8a47-4c3e-9a43-5d8f1a0c2b11';
const lyonJp = '3a1e2f4d-0000-4000-8000-000000000901';
const bronJp = '3a1e2f4d-0000-4000-8000-000000000902';
const credentials = { username: 'relais', password: 'search-test' };
let database: TestDatabase;
let registry: CivilRegistrySilo;
let server: { url: string; close(): Promise<void> };

before(async () => {
  database = await createTestDatabase('postgres');
  registry = await startCivilRegistrySilo({ credentials });
  await seedRegistre(registry.registre);
  await linkIdentifier(database.db, jeanne, 'civil-registry', 'EC-00000123');
  await linkIdentifier(database.db, lyonJp, 'civil-registry', 'EC-00000901');
  await linkIdentifier(database.db, bronJp, 'civil-registry', 'EC-00000902');
  const flows = loadFlows('flows');
  const client = new CivilRegistryClient({ url: registry.soapUrl, ...credentials, timeoutMs: 5000 });
  server = await listen(
    createApp({
      db: database.db,
      flows: () => flows,
      rights: loadRights('flows/rights.yaml', flows),
      topics: topicNames('civil-search'),
      identityResolver: createRegisterIdentityResolver('civil-registry', client, 5000),
      auth: new Authenticator([agentCredential('counter', ['citizens:read'], ['front-desk-agent'])]),
      logger: createLogger({ component: 'test', level: 'silent' }),
      maxBodyBytes: 4096,
    }),
  );
});

after(async () => {
  await server?.close();
  await registry?.close();
  await database?.drop();
});

async function find(query: Record<string, string>) {
  const response = await fetch(`${server.url}/v1/citizens?${new URLSearchParams(query).toString()}`, {
    headers: { authorization: 'Bearer counter-token' },
  });
  return {
    status: response.status,
    body: (await response.json()) as { citizens: { pivotId: string; matched?: string[]; score?: number }[] } & Record<string, unknown>,
  };
}

test('one person matches: the citizen, with what matched (accents and case set aside)', async () => {
  const found = await find({ birthName: 'Martin', givenNames: 'Jeanne', dateOfBirth: '1948-05-02' });
  assert.equal(found.status, 200, JSON.stringify(found.body));
  assert.deepEqual(found.body.citizens, [{ pivotId: jeanne, matched: ['birthName', 'givenNames', 'dateOfBirth'], score: 85 }]);
});

test('homonyms: both are listed; the birth place raises the one born there', async () => {
  const both = await find({ birthName: 'BERNARD', givenNames: 'Jean-Pierre', dateOfBirth: '1962-07-14' });
  assert.deepEqual(both.body.citizens.map((c) => c.pivotId).sort(), [lyonJp, bronJp].sort());
  const inBron = await find({ birthName: 'BERNARD', givenNames: 'Jean-Pierre', dateOfBirth: '1962-07-14', placeOfBirth: '69029' });
  const score = new Map(inBron.body.citizens.map((c) => [c.pivotId, c.score]));
  assert.deepEqual([score.get(bronJp), score.get(lyonJp)], [100, 85]);
  assert.ok(inBron.body.citizens.find((c) => c.pivotId === bronJp)?.matched?.includes('placeOfBirth'));
});

test('no one: an empty list, whether the register has no such person or Relais does not know them', async () => {
  assert.deepEqual((await find({ birthName: 'Personne', givenNames: 'Nul', dateOfBirth: '1900-01-01' })).body.citizens, []);
  // Paul Nguyen is in the register, but no system of ours knows him.
  assert.deepEqual((await find({ birthName: 'Nguyen', givenNames: 'Paul', dateOfBirth: '1979-11-23' })).body.citizens, []);
});

test('missing civil data is refused naming the parameter; every search is audited', async () => {
  const missing = await find({ birthName: 'Martin', givenNames: 'Jeanne' });
  assert.equal(missing.status, 400);
  assert.deepEqual(
    (missing.body['errors'] as { field: string }[]).map((e) => e.field),
    ['/dateOfBirth'],
  );
  const audit = await database.db.query(
    `SELECT 1 FROM audit_log WHERE action = 'personal-data.read' AND details->>'operation' = 'GET /v1/citizens' AND actor = 'counter'`,
  );
  assert.ok(audit.rows.length >= 4, `${audit.rows.length} searches audited`);
});
