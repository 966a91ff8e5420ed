/**
 * The console's own HTTP behaviour, without a gateway or a provider (no page here calls them):
 * the session cookie's flags, CSRF on every form, the language switch, the design system's files
 * served gzipped and cached, and nothing served outside the listed assets.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { listen } from '../test/support/http.ts';
import { ASSETS } from '../web/assets.ts';
import { createConsoleApp } from './server.ts';

let server: { url: string; close(): Promise<void> };

before(async () => {
  server = await listen(
    createConsoleApp({
      gatewayUrl: 'http://127.0.0.1:9',
      oidc: { issuer: 'http://127.0.0.1:9', clientId: 'relais-console', redirectUri: 'http://127.0.0.1:8070/callback' },
      systems: ['social-services'],
      secure: false,
    }),
  );
});

after(() => server.close());

test('a visitor gets an HttpOnly, SameSite=Lax session cookie and the login link, in French', async () => {
  const response = await fetch(server.url);
  assert.equal(response.status, 200);
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('relais_console='));
  assert.match(cookie ?? '', /HttpOnly/);
  assert.match(cookie ?? '', /SameSite=Lax/);
  const page = await response.text();
  assert.match(page, /<html lang="fr"/);
  assert.match(page, /href="\/login">Se connecter</);
  assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'self'/);
});

test('?lang=en answers in English and remembers it in a cookie', async () => {
  const response = await fetch(`${server.url}/?lang=en`);
  assert.match(await response.text(), /<html lang="en"/);
  const lang = response.headers.getSetCookie().find((c) => c.startsWith('relais_lang='));
  assert.match(lang ?? '', /^relais_lang=en;/);
  const again = await fetch(server.url, { headers: { cookie: 'relais_lang=en' } });
  assert.match(await again.text(), /Log in/);
});

test('a form posted without the session’s CSRF token is refused', async () => {
  const response = await fetch(`${server.url}/logout`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: '_csrf=forged',
  });
  assert.equal(response.status, 403);
});

test('a page that needs a login redirects to it, keeping where the agent was going', async () => {
  const response = await fetch(`${server.url}/citizens/6f1c1a52-8a47-4c3e-9a43-5d8f1a0c2b11`, { redirect: 'manual' });
  assert.equal(response.status, 303);
  assert.equal(response.headers.get('location'), `/login?returnTo=${encodeURIComponent('/citizens/6f1c1a52-8a47-4c3e-9a43-5d8f1a0c2b11')}`);
});

test('the design system is served gzipped and cached for a year; nothing outside the listed files', async () => {
  const css = await fetch(`${server.url}${ASSETS}/dsfr.min.css`, { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(css.status, 200);
  assert.equal(css.headers.get('content-encoding'), 'gzip');
  assert.match(css.headers.get('cache-control') ?? '', /immutable/);
  assert.ok((await css.text()).includes('.fr-btn'));
  for (const path of ['dsfr.css', '../package.json', '%2e%2e/%2e%2e/package.json', 'fonts/../../package.json'])
    assert.equal((await fetch(`${server.url}${ASSETS}/${path}`)).status, 404, path);
});
