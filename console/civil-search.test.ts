/**
 * The console's search by civil data over HTTP, against a fake provider and a fake gateway in
 * this process (the browser journey against a whole Relais is console.integration.test.ts): the
 * form on the search page, the query the gateway is sent (no empty birth place, the purpose
 * stated), the candidates as rows in the page's language, homonyms presented as a choice, no one
 * found with the form kept, and the gateway's refusal shown.
 */
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import express from 'express';
import { listen } from '../test/support/http.ts';
import { createConsoleApp } from './server.ts';

const JEANNE = '6f1c1a52-8a47-4c3e-9a43-5d8f1a0c2b11';
const NAMESAKE = '3a1e2f4d-0000-4000-8000-000000000902';

/** What the fake gateway answers next, and what it was asked. */
let answer: { status: number; body: object };
let asked: { query: Record<string, unknown>; purpose: string | undefined }[];
let fake: { url: string; close(): Promise<void> };
let consoleServer: { url: string; close(): Promise<void> };
let cookie: string;

function fakeProviderAndGateway() {
  const app = express();
  app.get('/.well-known/openid-configuration', (_req, res) => {
    res.json({ issuer: fake.url, authorization_endpoint: `${fake.url}/authorize`, token_endpoint: `${fake.url}/token` });
  });
  app.post('/token', (_req, res) => {
    const claims = Buffer.from(JSON.stringify({ sub: 'dominique.accueil', roles: ['front-desk-agent'] })).toString('base64url');
    res.json({ access_token: `header.${claims}.signature`, expires_in: 600 });
  });
  app.get('/v1/citizens', (req, res) => {
    asked.push({ query: { ...req.query }, purpose: req.get('relais-purpose') });
    res
      .status(answer.status)
      .type(answer.status === 200 ? 'json' : 'application/problem+json')
      .send(JSON.stringify(answer.body));
  });
  return app;
}

const sessionCookie = (response: Response) =>
  response.headers
    .getSetCookie()
    .find((c) => c.startsWith('relais_console='))
    ?.split(';')[0];

/** Logs in through the console's /login and /callback (the fake provider accepts any code). */
async function logIn(): Promise<string> {
  const login = await fetch(`${consoleServer.url}/login`, { redirect: 'manual' });
  const state = new URL(login.headers.get('location') ?? '').searchParams.get('state') ?? '';
  const callback = await fetch(`${consoleServer.url}/callback?code=any&state=${state}`, {
    redirect: 'manual',
    headers: { cookie: sessionCookie(login) ?? '' },
  });
  assert.equal(callback.status, 303);
  return sessionCookie(callback) ?? '';
}

async function get(path: string): Promise<{ status: number; page: string }> {
  const response = await fetch(`${consoleServer.url}${path}`, { headers: { cookie }, redirect: 'manual' });
  return { status: response.status, page: await response.text() };
}

before(async () => {
  fake = await listen(fakeProviderAndGateway());
  consoleServer = await listen(
    createConsoleApp({
      gatewayUrl: fake.url,
      oidc: { issuer: fake.url, clientId: 'relais-console', redirectUri: 'http://127.0.0.1:8070/callback' },
      systems: ['social-services'],
      secure: false,
    }),
  );
  cookie = await logIn();
});

beforeEach(() => {
  asked = [];
});

after(async () => {
  await consoleServer.close();
  await fake.close();
});

const MARTIN = 'purpose=request-handling&birthName=Martin&givenNames=Jeanne&dateOfBirth=1948-05-02';

test('the search page has the civil-data form beside the identifier one, every id once', async () => {
  const { status, page } = await get('/');
  assert.equal(status, 200);
  assert.match(page, /<form method="get" action="\/search\/civil">/);
  assert.match(page, /<select class="fr-select" id="civil-purpose" name="purpose">/);
  assert.match(page, /id="dateOfBirth"\s+name="dateOfBirth"\s+type="date"/);
  assert.match(page, /id="placeOfBirth"[^>]*pattern="\\d\[\\dABab\]\\d\{3\}"/);
  assert.doesNotMatch(page, /inputmode="numeric"/);
  assert.match(page, /les premiers suffisent/);
  const ids = [...page.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(
    ids.filter((id, i) => ids.indexOf(id) !== i),
    [],
    'duplicate ids',
  );
});

test('one candidate: its row (link, criteria in words, score), the purpose sent, no empty birth place', async () => {
  answer = { status: 200, body: { citizens: [{ pivotId: JEANNE, matched: ['birthName', 'givenNames', 'dateOfBirth'], score: 85 }] } };
  const { status, page } = await get(`/search/civil?${MARTIN}&placeOfBirth=`);
  assert.equal(status, 200);
  assert.deepEqual(asked, [
    { query: { birthName: 'Martin', givenNames: 'Jeanne', dateOfBirth: '1948-05-02' }, purpose: 'request-handling' },
  ]);
  assert.match(page, /désignent un usager connu de Relais/);
  assert.match(page, /Une recherche ne rattache personne/);
  const rows = [...page.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].slice(1).map((m) => m[1]!.replace(/\s+/g, ' '));
  assert.equal(rows.length, 1);
  assert.match(rows[0]!, new RegExp(`<a href="/citizens/${JEANNE}">${JEANNE}</a>`));
  assert.match(rows[0]!, /Nom de naissance, Prénoms, Date de naissance/);
  assert.match(rows[0]!, /85 \/ 100/);
  assert.match(page, /Lieu de naissance non donné/);
});

test('homonyms are candidates to choose between; a lower-case Corsican code is sent upper case; in English', async () => {
  answer = {
    status: 200,
    body: {
      citizens: [
        { pivotId: JEANNE, matched: ['birthName', 'givenNames', 'dateOfBirth', 'placeOfBirth'], score: 100 },
        { pivotId: NAMESAKE, matched: ['birthName', 'givenNames', 'dateOfBirth'], score: 85 },
      ],
    },
  };
  const { page } = await get(`/search/civil?${MARTIN}&placeOfBirth=2a004&lang=en`);
  assert.equal(asked[0]?.query['placeOfBirth'], '2A004');
  assert.match(page, /give 2 citizens known to Relais: possible namesakes/);
  assert.match(page, /Birth name, Given names, Date of birth, Place of birth/);
  assert.match(page, /100 \/ 100[\s\S]*85 \/ 100/);
  assert.doesNotMatch(page, /No birth place given/);
});

test('no one found: an info alert, and the form again with the values typed', async () => {
  answer = { status: 200, body: { citizens: [] } };
  const { status, page } = await get(`/search/civil?${MARTIN}&placeOfBirth=69123&lang=fr`);
  assert.equal(status, 200);
  assert.match(page, /fr-alert--info[^>]*role="status"><p>Aucun usager connu de Relais ne correspond/);
  assert.match(page, /id="birthName"[^>]*value="Martin"/);
  assert.match(page, /id="givenNames"[^>]*value="Jeanne"/);
  assert.match(page, /id="dateOfBirth"[^>]*value="1948-05-02"/);
  assert.match(page, /id="placeOfBirth"[^>]*value="69123"/);
  assert.doesNotMatch(page, /<table>/);
});

test('the register out of reach: the gateway’s problem is shown', async () => {
  answer = {
    status: 503,
    body: { type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'the civil register could not be asked' },
  };
  const { status, page } = await get(`/search/civil?${MARTIN}`);
  assert.equal(status, 503);
  assert.match(page, /role="alert">\s*<p>the civil register could not be asked<\/p>/);
});
