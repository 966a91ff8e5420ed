/**
 * httpFetch (http-fetch.ts) answers as the global fetch does, against a real local HTTP server:
 * the request's method, headers and body arrive; the status, headers and body come back; a 204
 * has no body; an abort rejects with the signal's reason; an unreachable host rejects; and
 * openapi-fetch's typed client works over it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import createClient from 'openapi-fetch';
import { httpFetch } from './http-fetch.ts';

let server: http.Server;
let base: string;
const seen: { method?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
const fetcher = httpFetch({ maxSockets: 2 });

before(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ method: req.method, headers: req.headers, body });
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2000);
      if (req.url === '/empty') return void res.writeHead(204).end();
      if (req.url === '/refused') return void res.writeHead(422, { 'content-type': 'application/json' }).end('{"code":"ADRESSE_INVALIDE"}');
      res.writeHead(200, { 'content-type': 'application/json', 'x-silo': 'a' });
      res.end(JSON.stringify({ echoed: body ? (JSON.parse(body) as unknown) : null }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  fetcher.close();
  server.close();
});

test('a JSON PUT: method, headers and body arrive; status, headers and body come back', async () => {
  const response = await fetcher(
    new Request(`${base}/x`, { method: 'PUT', headers: { 'content-type': 'application/json', 'idempotency-key': 'k1' }, body: '{"a":1}' }),
  );
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('x-silo'), 'a');
  assert.deepEqual(await response.json(), { echoed: { a: 1 } });
  const last = seen.at(-1)!;
  assert.equal(last.method, 'PUT');
  assert.equal(last.headers['idempotency-key'], 'k1');
  assert.equal(last.headers['content-length'], '7');
});

test('a refusal is an answer, not a rejection; a 204 has no body', async () => {
  const refused = await fetcher(new Request(`${base}/refused`));
  assert.equal(refused.status, 422);
  assert.deepEqual(await refused.json(), { code: 'ADRESSE_INVALIDE' });
  const empty = await fetcher(new Request(`${base}/empty`, { method: 'DELETE' }));
  assert.equal(empty.status, 204);
  assert.equal(await empty.text(), '');
});

test('an abort rejects with the signal’s reason; an unreachable silo rejects', async () => {
  await assert.rejects(fetcher(new Request(`${base}/slow`, { signal: AbortSignal.timeout(100) })), { name: 'TimeoutError' });
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  await assert.rejects(fetcher(new Request(`http://127.0.0.1:${port}/`)), { code: 'ECONNREFUSED' });
});

test('openapi-fetch’s typed client over it', async () => {
  const client = createClient<{
    '/x': {
      put: {
        requestBody: { content: { 'application/json': { n: number } } };
        responses: { 200: { content: { 'application/json': { echoed: { n: number } } } } };
      };
    };
  }>({ baseUrl: base, fetch: fetcher });
  const { data, response } = await client.PUT('/x', { body: { n: 2 } });
  assert.equal(response.status, 200);
  assert.deepEqual(data, { echoed: { n: 2 } });
});
