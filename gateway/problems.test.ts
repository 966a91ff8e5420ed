/**
 * The problem handler's answers that carry headers of their own: an overloaded gateway says when
 * to come back (Retry-After: 1), as a problem naming its code.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import express from 'express';
import { createLogger } from '../core/logger.ts';
import { listen } from '../test/support/http.ts';
import { HttpProblem, problemHandler } from './problems.ts';

let server: { url: string; close(): Promise<void> };

before(async () => {
  const app = express();
  app.post('/v1/changes', () => {
    throw new HttpProblem('gateway-overloaded', '4 changes are waiting for the store; nothing was stored');
  });
  app.use(problemHandler({ logger: createLogger({ component: 'test', level: 'silent' }), maxBodyBytes: 1024 }));
  server = await listen(app);
});
after(() => server.close());

test('gateway-overloaded: 503 problem with Retry-After: 1', async () => {
  const response = await fetch(`${server.url}/v1/changes`, { method: 'POST' });
  assert.equal(response.status, 503);
  assert.equal(response.headers.get('retry-after'), '1');
  assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
  const body = (await response.json()) as { code: string; detail: string; instance: string };
  assert.equal(body.code, 'gateway-overloaded');
  assert.match(body.detail, /nothing was stored/);
  assert.equal(body.instance, '/v1/changes');
});
