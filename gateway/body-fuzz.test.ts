/**
 * Fuzzing as tests: the gateway's body path (media type, content encoding, size limit, JSON
 * parsing, unstorable text, schema checks) fed random bytes, damaged and booby-trapped change
 * requests, with random Content-Type and Content-Encoding. Every answer is an RFC 9457
 * problem with a 4xx status, or a 503 where the request was sound and reached the store (down
 * here: every query fails, as PostgreSQL would when cut off), never a 500 and never slower
 * than two seconds. Bounded: a few hundred requests.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { RelaisError } from '../core/errors.ts';
import { loadFlows } from '../core/flows/flows.ts';
import { createLogger } from '../core/logger.ts';
import type { Db, Queryable } from '../core/store/db.ts';
import { topicNames } from '../core/topics.ts';
import { listen } from '../test/support/http.ts';
import { createApp } from './app.ts';
import { Authenticator, devCredential } from './auth.ts';
import { loadRights } from './rights/rights.ts';

const token = 'fuzz-token';
const storeDown = (): never => {
  throw new RelaisError('STORE_UNAVAILABLE', 'query failed: connection refused');
};
const downQueryable: Queryable = { query: async () => storeDown() };
const db: Db = {
  kind: 'postgres',
  ...downQueryable,
  transaction: async () => storeDown(),
  exec: async () => storeDown(),
  withSession: async () => storeDown(),
  close: async () => undefined,
};
let server: { url: string; close(): Promise<void> };

before(async () => {
  const flows = loadFlows('flows');
  const app = createApp({
    db,
    flows: () => flows,
    rights: loadRights('flows/rights.yaml', flows),
    topics: topicNames('relais'),
    auth: new Authenticator([devCredential(token)]),
    logger: createLogger({ component: 'fuzz', level: 'silent' }),
    maxBodyBytes: 4096,
  });
  server = await listen(app);
});

after(() => server.close());

const validChange = {
  type: 'fr.relais.citizen.address.changed.v1',
  citizen: { system: 'social-services', id: 'SS-000123' },
  channel: 'web',
  data: {
    address: { number: '12', streetName: 'rue des Lilas', postcode: '69003', communeName: 'Lyon', communeInsee: '69383', country: 'FR' },
    effectiveDate: '2026-11-01',
  },
};

/** A JSON value with strings the store cannot hold mixed in. */
const trap = fc.oneof(
  fc.constantFrom('\u0000', '\ud800', '\udfff', 'a\u0000b', '\uffff', '😀', '', 'x'.repeat(300)),
  fc.string({ maxLength: 10 }),
  fc.integer(),
  fc.constant(null),
  fc.constantFrom(true, 1e308, -0, [], {}),
);
/** The valid change with one place replaced by a trap (or a trap key added). */
const mutatedChange = fc
  .tuple(
    fc.constantFrom('type', 'channel', 'citizen', 'data', 'streetName', 'postcode', 'newKey', 'newNestedKey'),
    trap,
    fc.string({ maxLength: 5 }),
  )
  .map(([where, value, key]) => {
    const change = structuredClone(validChange);
    const top = change as Record<string, unknown>;
    if (where === 'streetName' || where === 'postcode') (change.data.address as Record<string, unknown>)[where] = value;
    else if (where === 'newKey') top[`${key}\u0000`] = value;
    else if (where === 'newNestedKey') (change.data as Record<string, unknown>)[key || '\ud800'] = value;
    else top[where] = value;
    return Buffer.from(JSON.stringify(change));
  });
const textBody = fc.oneof(fc.string({ maxLength: 300 }), fc.json({ maxDepth: 4 })).map((s) => Buffer.from(s));
const bytesBody = fc.uint8Array({ maxLength: 6000 }).map((b) => Buffer.from(b));
const deepBody = fc.integer({ min: 1, max: 3000 }).map((depth) => Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`));

const body = fc.oneof(mutatedChange, textBody, bytesBody, deepBody);
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/cloudevents+json',
  'text/plain',
  '',
  'application/json; charset=',
);
const encoding = fc.constantFrom('identity', 'gzip', 'gzip-garbage', 'deflate', 'br', 'compress', 'gzip, gzip');

function send(bytes: Buffer, type: string, contentEncoding: string): Promise<{ status: number; type: string; body: string }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (type) headers['content-type'] = type;
  let payload = bytes;
  if (contentEncoding === 'gzip') payload = gzipSync(bytes);
  if (contentEncoding !== 'identity') headers['content-encoding'] = contentEncoding === 'gzip-garbage' ? 'gzip' : contentEncoding;
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}/v1/changes`, { method: 'POST', headers, timeout: 2000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 2 s')));
    req.on('error', reject);
    req.end(payload);
  });
}

test('fuzz: every body gets a problem (4xx, or 503 from the store), never a 500, within two seconds', { timeout: 120_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(body, contentType, encoding, async (bytes, type, contentEncoding) => {
      const answer = await send(bytes, type, contentEncoding);
      assert.ok((answer.status >= 400 && answer.status < 500) || answer.status === 503, `status ${answer.status}: ${answer.body}`);
      assert.match(answer.type, /^application\/problem\+json/);
      const problem = JSON.parse(answer.body) as { status: number; code: string };
      assert.equal(problem.status, answer.status);
      assert.notEqual(problem.code, 'internal');
    }),
    { numRuns: 300 },
  );
});

test('fuzz: a string the store cannot hold is refused by name (422), whatever its place', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('\u0000', '\ud800', '\udc00', 'x\u0000', '\udbff'),
      fc.constantFrom('streetName', 'communeName', 'postcode'),
      async (bad, field) => {
        const change = structuredClone(validChange);
        (change.data.address as Record<string, string>)[field] = bad;
        const answer = await send(Buffer.from(JSON.stringify(change)), 'application/json', 'identity');
        assert.equal(answer.status, 422);
        const problem = JSON.parse(answer.body) as { errors: { field: string }[] };
        assert.ok(
          problem.errors.some((e) => e.field === `/data/address/${field}`),
          answer.body,
        );
      },
    ),
    { numRuns: 30 },
  );
});
