/**
 * OpenID Connect end to end, against a real provider (`oidc-provider`, in process, as the quick
 * start runs it) and real PostgreSQL: a service's client-credentials token and an agent's token
 * (authorization code + PKCE through the provider's login pages) both work through the gateway,
 * under the rights file; a token from another issuer, an expired one, or one for another
 * audience is a 401. Static tokens keep working beside them.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadFlows } from '../core/flows/flows.ts';
import { linkIdentifier } from '../identity/identity-store.ts';
import { createLogger } from '../core/logger.ts';
import { topicNames } from '../core/topics.ts';
import { CONSOLE_CLIENT, demoProviderOptions } from '../infra/oidc/demo.ts';
import { startLocalProvider, type LocalProvider } from '../infra/oidc/local-provider.ts';
import { agentToken, clientCredentialsToken } from '../infra/oidc/tokens.ts';
import { ADDRESS_CHANGED_V1 } from '../schemas/index.ts';
import { createTestDatabase, type TestDatabase } from '@relais/connector-kit/testing';
import { listen } from '../test/support/http.ts';
import { createApp } from './app.ts';
import { Authenticator, devCredential, eitherSource, type CallerSource } from './auth.ts';
import { oidcCallers } from './oidc.ts';
import { boundToRights } from './rights/bind.ts';
import { loadRights } from './rights/rights.ts';

const flows = loadFlows('flows');
const rights = loadRights('flows/rights.yaml', flows);
const pivotId = '6f1c1a52-8a47-4c3e-9a43-5d8f1a0c2b11';
const secrets = { socialServicesApp: 'social-app-secret', citizenPortal: 'portal-secret' };
const redirectUri = 'http://127.0.0.1:8080/console/callback';
const console_ = { clientId: CONSOLE_CLIENT, redirectUri };

let database: TestDatabase;
let provider: LocalProvider;
let stranger: LocalProvider;
let shortLived: LocalProvider;
const servers: { url: string; close(): Promise<void> }[] = [];

async function gateway(auth: CallerSource): Promise<string> {
  const server = await listen(
    createApp({
      db: database.db,
      flows: () => flows,
      rights,
      topics: topicNames('relais'),
      auth: boundToRights(rights, auth),
      logger: createLogger({ component: 'test', level: 'silent' }),
      maxBodyBytes: 8192,
    }),
  );
  servers.push(server);
  return server.url;
}

before(async () => {
  database = await createTestDatabase('postgres');
  await linkIdentifier(database.db, pivotId, 'social-services', 'SS-000123');
  provider = await startLocalProvider(demoProviderOptions(0, secrets, redirectUri));
  stranger = await startLocalProvider(demoProviderOptions(0, secrets, redirectUri));
  shortLived = await startLocalProvider({ ...demoProviderOptions(0, secrets, redirectUri), accessTokenTtlSeconds: 3 });
});

after(async () => {
  for (const server of servers) await server.close();
  for (const p of [provider, stranger, shortLived]) await p.close();
  await database.drop();
});

const address = {
  address: { number: '3', streetName: 'rue Garibaldi', postcode: '69003', communeName: 'Lyon', communeInsee: '69383', country: 'FR' },
  effectiveDate: '2026-11-01',
};

const call = async (url: string, token: string, path: string, init: RequestInit = {}, headers: Record<string, string> = {}) => {
  const response = await fetch(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...headers } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

const postAddress = (url: string, token: string) =>
  call(
    url,
    token,
    '/v1/changes',
    {
      method: 'POST',
      body: JSON.stringify({
        type: ADDRESS_CHANGED_V1,
        citizen: { system: 'social-services', id: 'SS-000123' },
        channel: 'web',
        data: address,
      }),
    },
    { 'content-type': 'application/json' },
  );

test('a client-credentials token: the service tells a change and reads it back; its system comes from the rights file', async () => {
  const url = await gateway(oidcCallers({ issuer: provider.issuer, audience: 'relais-api' }));
  const token = await clientCredentialsToken(
    provider.issuer,
    'social-services-app',
    secrets.socialServicesApp,
    'changes:write changes:read',
  );
  const posted = await postAddress(url, token);
  assert.equal(posted.status, 202, JSON.stringify(posted.body));
  assert.equal(posted.body['origin'], 'social-services');
  const read = await call(url, token, `/v1/changes/${String(posted.body['id'])}`);
  assert.equal(read.status, 200);
  const audit = await database.db.query<{ actor: string }>(
    "SELECT actor FROM audit_log WHERE action = 'personal-data.read' AND change_id = $1",
    [posted.body['id']],
  );
  assert.deepEqual(audit.rows, [{ actor: 'social-services-app' }]);
  // The same service may not read a citizen's timeline (agents only), nor ask a scope it lacks.
  const timeline = await call(url, token, `/v1/citizens/${pivotId}/timeline`, {}, { 'relais-purpose': 'test' });
  assert.equal(timeline.status, 403);
});

test("an agent's token (authorization code + PKCE): roles from the token, a timeline read with a purpose", async () => {
  const url = await gateway(oidcCallers({ issuer: provider.issuer, audience: 'relais-api' }));
  const token = await agentToken(provider.issuer, console_, 'dominique.accueil', 'citizens:read changes:read');
  const timeline = await call(url, token, `/v1/citizens/${pivotId}/timeline`, {}, { 'relais-purpose': 'rendez-vous du 5 décembre' });
  assert.equal(timeline.status, 200, JSON.stringify(timeline.body));
  const audit = await database.db.query<{ details: { grant: string; purpose: string } }>(
    "SELECT details FROM audit_log WHERE actor = 'dominique.accueil' AND action = 'personal-data.read'",
  );
  assert.deepEqual(
    audit.rows.map((r) => [r.details.grant, r.details.purpose]),
    [['roles.front-desk-agent.read.timelines', 'rendez-vous du 5 décembre']],
  );
  // The operator's token holds the operator role only: no timeline.
  const operator = await agentToken(provider.issuer, console_, 'alex.exploitation', 'citizens:read');
  const refused = await call(url, operator, `/v1/citizens/${pivotId}/timeline`, {}, { 'relais-purpose': 'test' });
  assert.equal(refused.status, 403);
  assert.equal(refused.body['rule'], 'read:timelines');
});

test('another issuer, an expired token, another audience: 401; static tokens still work', async () => {
  const url = await gateway(
    eitherSource(new Authenticator([devCredential('static-dev')]), oidcCallers({ issuer: provider.issuer, audience: 'relais-api' })),
  );
  const scope = 'changes:write changes:read';
  const foreign = await clientCredentialsToken(stranger.issuer, 'social-services-app', secrets.socialServicesApp, scope);
  assert.equal((await postAddress(url, foreign)).status, 401);

  // The gateway first, so the token's 3 s of life are not spent starting it on a loaded machine.
  const shortUrl = await gateway(oidcCallers({ issuer: shortLived.issuer, audience: 'relais-api', clockToleranceSeconds: 0 }));
  const issuedAt = Date.now();
  const expiring = await clientCredentialsToken(shortLived.issuer, 'social-services-app', secrets.socialServicesApp, scope);
  assert.equal((await postAddress(shortUrl, expiring)).status, 202);
  await sleep(Math.max(0, issuedAt + 4100 - Date.now()));
  const expired = await postAddress(shortUrl, expiring);
  assert.equal(expired.status, 401);
  assert.equal(expired.body['code'], 'unauthenticated');

  const otherAudience = await gateway(oidcCallers({ issuer: provider.issuer, audience: 'another-api' }));
  const token = await clientCredentialsToken(provider.issuer, 'social-services-app', secrets.socialServicesApp, scope);
  assert.equal((await postAddress(otherAudience, token)).status, 401);
  assert.equal((await postAddress(url, token)).status, 202);
  assert.equal((await postAddress(url, 'static-dev')).status, 202);
  assert.equal((await postAddress(url, `${token.slice(0, -4)}AAAA`)).status, 401);
});
