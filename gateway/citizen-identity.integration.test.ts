/**
 * Citizens' tokens end to end, against the local OpenID provider (real `oidc-provider`, the
 * authorization code + PKCE flow through its login pages), the civil registry simulator (SOAP,
 * in process) and real PostgreSQL (docs/adr/0037):
 *   - the gateway matches the identity the provider vouches for to a pivot id (GET /v1/me),
 *     says `ambiguous` for a homonym and `not-found` for a stranger — never a guess — and audits
 *     each decision without civil data;
 *   - the matched citizen previews a move with its optional recipient offered, and tells it for
 *     their own pivot id only (another one is a 403 naming the rule `naming`, audited);
 *   - the citizen's choice of optional recipients is what the change records.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CivilRegistryClient } from '../connectors/civil-registry/client.ts';
import { createRegisterIdentityResolver } from '../connectors/civil-registry/identity.ts';
import { loadFlows } from '../core/flows/flows.ts';
import { createLogger } from '../core/logger.ts';
import { topicNames } from '../core/topics.ts';
import { linkIdentifier } from '../identity/identity-store.ts';
import { CITIZEN_CLIENT, demoProviderOptions } from '../infra/oidc/demo.ts';
import { startLocalProvider, type LocalProvider } from '../infra/oidc/local-provider.ts';
import { agentToken } from '../infra/oidc/tokens.ts';
import { ADDRESS_CHANGED_V1, CONTACT_CHANGED_V1, DEATH_REGISTERED_V1 } from '../schemas/index.ts';
import { seedRegistre } from '../silos/civil-registry/seed.ts';
import { startCivilRegistrySilo, type CivilRegistrySilo } from '../silos/civil-registry/server.ts';
import { createTestDatabase, type TestDatabase } from '@relais/connector-kit/testing';
import { listen } from '../test/support/http.ts';
import { createApp } from './app.ts';
import { matchedCitizens } from './citizen-identity.ts';
import { oidcCallers } from './oidc.ts';
import { boundToRights } from './rights/bind.ts';
import { loadRights } from './rights/rights.ts';

const flows = loadFlows('flows');
const rights = loadRights('flows/rights.yaml', flows);
const jeanne = '6f1c1a52-8a47-4c3e-9a43-5d8f1a0c2b11';
const paul = '0b7e3a0e-2c1d-4f6a-9d7b-3c5a1e2f4d60';
const registryCredentials = { username: 'relais', password: 'citizen-test' };
const redirectUri = 'http://127.0.0.1:8060/callback';
const scope = 'changes:write changes:read citizens:read citizens:write';

let database: TestDatabase;
let registry: CivilRegistrySilo;
let provider: LocalProvider;
let server: { url: string; close(): Promise<void> };

before(async () => {
  database = await createTestDatabase('postgres');
  registry = await startCivilRegistrySilo({ credentials: registryCredentials });
  await seedRegistre(registry.registre);
  // Jeanne is known to the crosswalk by her register identifier and her files; Paul's register entry is not linked yet.
  for (const [system, id] of [
    ['civil-registry', 'EC-00000123'],
    ['social-services', 'SS-000123'],
    ['school-catering', 'PER-000123'],
    ['email', 'jeanne.m.martin@example.fr'],
  ] as const)
    await linkIdentifier(database.db, jeanne, system, id);
  await linkIdentifier(database.db, paul, 'social-services', 'SS-000456');
  provider = await startLocalProvider(demoProviderOptions(0, { socialServicesApp: 's', citizenPortal: 'p' }, 'http://x/cb', redirectUri));
  const client = new CivilRegistryClient({ url: registry.soapUrl, ...registryCredentials, timeoutMs: 5000 });
  const logger = createLogger({ component: 'test', level: 'silent' });
  const identityResolver = createRegisterIdentityResolver('civil-registry', client, 5000);
  server = await listen(
    createApp({
      db: database.db,
      flows: () => flows,
      rights,
      topics: topicNames('relais'),
      auth: matchedCitizens(boundToRights(rights, oidcCallers({ issuer: provider.issuer, audience: 'relais-api' })), {
        db: database.db,
        identityResolver,
        logger,
      }),
      logger,
      maxBodyBytes: 8192,
      identityResolver,
    }),
  );
});

after(async () => {
  await server.close();
  await provider.close();
  await registry.close();
  await database.drop();
});

const tokenOf = (login: string) => agentToken(provider.issuer, { clientId: CITIZEN_CLIENT, redirectUri }, login, scope);

async function call(token: string, method: string, path: string, body?: object) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const move = (pivotId: string, recipients?: string[]) => ({
  type: ADDRESS_CHANGED_V1,
  citizen: { pivotId },
  channel: 'web',
  data: {
    address: { number: '12', streetName: 'rue Citoyenne', postcode: '69007', communeName: 'Lyon', communeInsee: '69387', country: 'FR' },
    effectiveDate: '2026-12-01',
  },
  ...(recipients ? { recipients } : {}),
});

async function matches(): Promise<{ actor: string; pivot_id: string | null; details: Record<string, unknown> }[]> {
  return (
    await database.db.query<{ actor: string; pivot_id: string | null; details: Record<string, unknown> }>(
      "SELECT actor, pivot_id, details FROM audit_log WHERE action = 'citizen.identity-matched' ORDER BY id",
    )
  ).rows;
}

test('the identity the provider vouches for is matched to a pivot id; a homonym or a stranger gets none, and each decision is audited', async () => {
  const me = await call(await tokenOf('jeanne.martin'), 'GET', '/v1/me');
  assert.equal(me.status, 200);
  assert.deepEqual(me.body, { name: 'jeanne.martin', kind: 'agent', roles: ['citizen'], pivotId: jeanne, identity: 'matched' });
  // Paul is in the register but not yet linked from it: the register's own answer links him, to a new pivot id.
  const paulMe = await call(await tokenOf('paul.nguyen'), 'GET', '/v1/me');
  assert.equal(paulMe.body['identity'], 'matched');
  assert.match(String(paulMe.body['pivotId']), /^[0-9a-f-]{36}$/);
  const linked = await database.db.query<{ pivot_id: string; link_method: string }>(
    "SELECT pivot_id, link_method FROM citizen_identifiers WHERE system = 'civil-registry' AND local_id = 'EC-00000456'",
  );
  assert.deepEqual(linked.rows, [{ pivot_id: paulMe.body['pivotId'], link_method: 'civil-data-exact' }]);

  const homonym = await call(await tokenOf('jean-pierre.bernard'), 'GET', '/v1/me');
  assert.deepEqual([homonym.body['identity'], homonym.body['pivotId']], ['ambiguous', undefined]);
  const stranger = await call(await tokenOf('camille.durand'), 'GET', '/v1/me');
  assert.deepEqual([stranger.body['identity'], stranger.body['pivotId']], ['not-found', undefined]);

  const audited = await matches();
  assert.deepEqual(
    audited.map((a) => [a.actor, a.details['outcome'], a.pivot_id !== null]),
    [
      ['jeanne.martin', 'matched', true],
      ['paul.nguyen', 'matched', true],
      ['jean-pierre.bernard', 'ambiguous', false],
      ['camille.durand', 'not-found', false],
    ],
  );
  assert.doesNotMatch(JSON.stringify(audited), /MARTIN|1948|Jeanne|BERNARD/, 'no civil data in the audit log');
});

test('an unmatched citizen may read nothing; a matched one reads only their own disclosures', async () => {
  const homonym = await tokenOf('jean-pierre.bernard');
  const refused = await call(homonym, 'GET', `/v1/citizens/${jeanne}/disclosures`);
  assert.equal(refused.status, 403);
  const token = await tokenOf('jeanne.martin');
  assert.equal((await call(token, 'GET', `/v1/citizens/${jeanne}/disclosures`)).status, 200);
  assert.equal((await call(token, 'GET', `/v1/citizens/${paul}/disclosures`)).status, 403);
});

test('a citizen previews a move with its optional recipient offered, and tells it for their own pivot id only, with their choice', async () => {
  const token = await tokenOf('jeanne.martin');
  const preview = await call(token, 'POST', '/v1/changes/preview', move(jeanne));
  assert.equal(preview.status, 200);
  const offered = (preview.body['recipients'] as { system: string; optional: boolean; chosen?: boolean; basis: string }[]).map((r) => [
    r.system,
    r.optional,
    r.chosen,
  ]);
  assert.deepEqual(offered, [
    ['email', true, false],
    ['school-catering', false, undefined],
    ['social-services', false, undefined],
  ]);
  const chosen = await call(token, 'POST', '/v1/changes/preview', move(jeanne, ['email']));
  assert.equal((chosen.body['recipients'] as { system: string; chosen?: boolean }[]).find((r) => r.system === 'email')?.chosen, true);

  const someoneElse = await call(token, 'POST', '/v1/changes', move(paul));
  assert.equal(someoneElse.status, 403);
  assert.equal(someoneElse.body['rule'], 'naming');
  const refusal = await database.db.query<{ details: Record<string, unknown> }>(
    "SELECT details FROM audit_log WHERE action = 'rights.refused' AND actor = 'jeanne.martin'",
  );
  assert.ok(
    refusal.rows.some((r) => r.details['rule'] === 'naming' && r.details['operation'] === 'POST /v1/changes'),
    'the refusal is audited with its rule',
  );

  // Without the optional recipient (unticked), then with it.
  const without = await call(token, 'POST', '/v1/changes', move(jeanne));
  assert.equal(without.status, 202);
  const recorded = await call(token, 'GET', `/v1/changes/${String(without.body['id'])}`);
  assert.deepEqual((recorded.body['recipients'] as { system: string }[]).map((r) => r.system).sort(), [
    'school-catering',
    'social-services',
  ]);
  const withEmail = await call(token, 'POST', '/v1/changes', move(jeanne, ['email']));
  const recordedWith = await call(token, 'GET', `/v1/changes/${String(withEmail.body['id'])}`);
  assert.deepEqual((recordedWith.body['recipients'] as { system: string }[]).map((r) => r.system).sort(), [
    'email',
    'school-catering',
    'social-services',
  ]);
});

test('a citizen tells new contact details online; a death is not theirs to tell', async () => {
  const token = await tokenOf('jeanne.martin');
  const contact = {
    type: CONTACT_CHANGED_V1,
    citizen: { pivotId: jeanne },
    channel: 'web',
    data: { phone: '+33612345678', language: 'en' },
  };
  const preview = await call(token, 'POST', '/v1/changes/preview', contact);
  assert.equal(preview.status, 200);
  assert.equal((await call(token, 'POST', '/v1/changes', contact)).status, 202);
  const badPhone = await call(token, 'POST', '/v1/changes', { ...contact, data: { phone: '0612' } });
  assert.deepEqual([badPhone.status, (badPhone.body['errors'] as { field: string }[])[0]?.field], [422, '/data/phone']);
  const death = await call(token, 'POST', '/v1/changes', {
    type: DEATH_REGISTERED_V1,
    citizen: { pivotId: jeanne },
    channel: 'web',
    data: { dateOfDeath: '2026-11-20', placeOfDeath: { communeName: 'Lyon', communeInsee: '69383', country: 'FR' } },
  });
  assert.deepEqual([death.status, death.body['rule']], [403, 'originate']);
});
