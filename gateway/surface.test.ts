/**
 * The public surface: security headers on every answer, CORS closed, and a caller over its
 * per-credential limit gets a 429 problem with `RateLimit` headers while another credential
 * does not. Only /healthz is called: nothing reaches the store.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFlows } from '../core/flows/flows.ts';
import { createLogger } from '../core/logger.ts';
import type { Db } from '../core/store/db.ts';
import { topicNames } from '../core/topics.ts';
import { listen } from '../test/support/http.ts';
import { createApp } from './app.ts';
import { Authenticator } from './auth.ts';
import { loadRights } from './rights/rights.ts';

const flows = loadFlows('flows');
let server: { url: string; close(): Promise<void> };

before(async () => {
  server = await listen(
    createApp({
      db: {} as Db,
      flows: () => flows,
      rights: loadRights('flows/rights.yaml', flows),
      topics: topicNames('relais'),
      auth: new Authenticator([]),
      logger: createLogger({ component: 'test', level: 'silent' }),
      maxBodyBytes: 1024,
      rateLimitPerMinute: 3,
    }),
  );
});
after(() => server.close());

const healthz = (token: string, origin?: string) =>
  fetch(`${server.url}/healthz`, { headers: { authorization: `Bearer ${token}`, ...(origin ? { origin } : {}) } });

test('security headers, and no CORS for another origin', async () => {
  const response = await healthz('a', 'https://evil.example');
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  assert.match(response.headers.get('content-security-policy') ?? '', /frame-ancestors 'self'/);
  assert.equal(response.headers.get('access-control-allow-origin'), null);
  assert.equal(response.headers.get('x-powered-by'), null);
});

test('over the limit: 429 problem with RateLimit headers, per credential', async () => {
  for (let i = 0; i < 3; i++) assert.equal((await healthz('busy')).status, 200);
  const over = await healthz('busy');
  assert.equal(over.status, 429);
  assert.match(over.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.equal(((await over.json()) as { code: string }).code, 'rate-limited');
  assert.match(over.headers.get('ratelimit') ?? '', /r=0/);
  assert.match(over.headers.get('ratelimit-policy') ?? '', /q=3/);
  assert.equal((await healthz('quiet')).status, 200);
});
