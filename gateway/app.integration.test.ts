/**
 * Integration tests of the HTTP API against real PostgreSQL (no Kafka needed: accepting a
 * change only writes the store and its outbox). Bad input must get the right problem, name
 * the failing field, and store nothing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../core/logger.ts';
import { linkIdentifier } from '../identity/identity-store.ts';
import { loadFlows } from '../core/flows/flows.ts';
import { topicNames } from '../core/topics.ts';
import { createTestDatabase, type TestDatabase } from '@relais/connector-kit/testing';
import { listen } from '../test/support/http.ts';
import { DEATH_REGISTERED_V1, eventExamples, eventTypes } from '../schemas/index.ts';
import { openApiDocument } from './api-document.ts';
import { createApp } from './app.ts';
import { Authenticator, devCredential, sha256Hex } from './auth.ts';
import { loadRights } from './rights/rights.ts';

const flows = loadFlows(join(dirname(fileURLToPath(import.meta.url)), '../flows'));
const rights = loadRights(join(dirname(fileURLToPath(import.meta.url)), '../flows/rights.yaml'), flows);
const token = 'test-token-all-scopes';
const readOnly = 'test-token-read-only';
const pivotId = '6f1c1a52-8a47-4c3e-9a43-5d8f1a0c2b11';

let database: TestDatabase;
let server: { url: string; close(): Promise<void> };

before(async () => {
  database = await createTestDatabase('postgres');
  await linkIdentifier(database.db, pivotId, 'social-services', 'SS-000123');
  const auth = new Authenticator([
    devCredential(token),
    { name: 'reader', tokenSha256: sha256Hex(readOnly), scopes: ['changes:read'], roles: ['front-desk-agent'] },
  ]);
  server = await listen(
    createApp({
      db: database.db,
      flows: () => flows,
      rights,
      topics: topicNames('relais'),
      auth,
      logger: createLogger({ component: 'test', level: 'silent' }),
      maxBodyBytes: 4096,
    }),
  );
});

after(async () => {
  await server.close();
  await database.drop();
});

const validChange = {
  type: 'fr.relais.citizen.address.changed.v1',
  citizen: { pivotId },
  channel: 'web',
  data: {
    address: { number: '12', streetName: 'rue des Lilas', postcode: '69003', communeName: 'Lyon', communeInsee: '69383', country: 'FR' },
    effectiveDate: '2026-11-01',
  },
};

function post(body: string | object, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}/v1/changes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function storedRows(): Promise<{ changes: number; outbox: number; audit: number }> {
  const count = async (table: string) => (await database.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
  return { changes: await count('changes'), outbox: await count('outbox'), audit: await count('audit_log') };
}

async function expectProblem(response: Response, status: number, code: string, field?: string): Promise<void> {
  assert.equal(response.status, status);
  assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
  const problem = (await response.json()) as { code: string; status: number; errors?: { field: string }[] };
  assert.equal(problem.code, code);
  assert.equal(problem.status, status);
  if (field)
    assert.ok(
      problem.errors?.some((e) => e.field === field),
      `expected ${field} among ${JSON.stringify(problem.errors)}`,
    );
}

test('bad input gets the right problem naming the field, and nothing is stored', async () => {
  const before = await storedRows();
  await expectProblem(await post('{"type": "fr.relais'), 400, 'malformed-json');
  await expectProblem(
    await post({ ...validChange, data: { ...validChange.data, effectiveDate: 'yesterday' } }),
    422,
    'validation-failed',
    '/data/effectiveDate',
  );
  await expectProblem(
    await post({ ...validChange, data: { ...validChange.data, address: { ...validChange.data.address, postcode: '6900' } } }),
    422,
    'validation-failed',
    '/data/address/postcode',
  );
  await expectProblem(await post({ ...validChange, channel: 'pigeon' }), 422, 'validation-failed', '/channel');
  await expectProblem(await post({ ...validChange, type: 'fr.relais.citizen.moon.landed.v1' }), 422, 'validation-failed', '/type');
  await expectProblem(
    await post({ ...validChange, citizen: { pivotId: '00000000-0000-4000-8000-000000000000' } }),
    422,
    'citizen-unknown',
    '/citizen/pivotId',
  );
  await expectProblem(
    await post({ ...validChange, citizen: { pivotId: `urn:uuid:${pivotId}` } }),
    422,
    'validation-failed',
    '/citizen/pivotId',
  );
  await expectProblem(await post({ ...validChange, recipients: ['nowhere'] }), 422, 'validation-failed', '/recipients/0');
  await expectProblem(await post({ ...validChange, extra: true }), 422, 'validation-failed', '/extra');
  await expectProblem(await post({ ...validChange, data: { ...validChange.data, padding: 'x'.repeat(5000) } }), 413, 'payload-too-large');
  await expectProblem(await post('type=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported-media-type');
  await expectProblem(await post(validChange, { authorization: '' }), 401, 'unauthenticated');
  await expectProblem(await post(validChange, { authorization: 'Bearer wrong' }), 401, 'unauthenticated');
  await expectProblem(await post(validChange, { authorization: `Bearer ${readOnly}` }), 403, 'forbidden');
  assert.deepEqual(await storedRows(), before);
});

/** The number of rows of every table of the store (migrations included), by table. */
async function everyTableRows(): Promise<Record<string, number>> {
  const tables = await database.db.query<{ name: string }>(
    "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) AS name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE' ORDER BY 1",
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables.rows)
    counts[name] = (await database.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${name}`)).rows[0]!.n;
  return counts;
}

test('an identifier the crosswalk does not know is a 422 citizen-unknown, and no row is added to any table', async () => {
  const before = await everyTableRows();
  assert.ok(Object.keys(before).length > 5, 'the store has its tables');
  const unknown = { ...validChange, citizen: { system: 'social-services', id: 'SS-999999' } };
  await expectProblem(await post(unknown), 422, 'citizen-unknown', '/citizen/id');
  // Only the system that issued an identifier may make it known (gateway/changes/accept.test.ts): not a developer's credential.
  await expectProblem(
    await post({ ...validChange, citizen: { system: 'tax', id: '9999999999999' } }),
    422,
    'citizen-unknown',
    '/citizen/id',
  );
  assert.deepEqual(await everyTableRows(), before);
});

test('text the store cannot hold (NUL, a lone surrogate) is a 422 naming the field, before the store', async () => {
  const before = await storedRows();
  const nul = { ...validChange, data: { ...validChange.data, address: { ...validChange.data.address, streetName: 'rue\u0000des Lilas' } } };
  await expectProblem(await post(nul), 422, 'validation-failed', '/data/address/streetName');
  // JSON.stringify escapes a lone surrogate as \ud800; the parsed string holds it as is.
  const surrogate = JSON.stringify(validChange).replace('rue des Lilas', 'rue \\ud800 des Lilas');
  await expectProblem(await post(surrogate), 422, 'validation-failed', '/data/address/streetName');
  await expectProblem(await post({ ...validChange, ['k\u0000']: 1 }), 422, 'validation-failed', '/k\u0000');
  await expectProblem(await post({ ...validChange, channel: '\udfff' }), 422, 'validation-failed', '/channel');
  const query = await fetch(`${server.url}/v1/kpis?from=a%00b`, { headers: { authorization: `Bearer ${token}` } });
  await expectProblem(query, 400, 'invalid-parameter');
  assert.deepEqual(await storedRows(), before);
});

test('a body that does not inflate with its Content-Encoding is a 400; an unknown encoding a 415', async () => {
  const before = await storedRows();
  await expectProblem(await post('not gzip at all', { 'content-encoding': 'gzip' }), 400, 'undecodable-body');
  const { gzipSync } = await import('node:zlib');
  const truncated = gzipSync(JSON.stringify(validChange)).subarray(0, 40);
  const response = await fetch(`${server.url}/v1/changes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
    body: truncated,
  });
  await expectProblem(response, 400, 'undecodable-body');
  await expectProblem(await post(JSON.stringify(validChange), { 'content-encoding': 'compress' }), 415, 'unsupported-media-type');
  assert.deepEqual(await storedRows(), before);
});

test('a missing credential is answered with a WWW-Authenticate challenge', async () => {
  const response = await fetch(`${server.url}/v1/changes/${pivotId}`);
  assert.equal(response.status, 401);
  assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer/);
});

test('an accepted change is stored with its audit entry and outbox row, and shows its recipients pending', async () => {
  const before = await storedRows();
  const response = await post(validChange);
  assert.equal(response.status, 202);
  type Posted = { id: string; status: string; recipients: { system: string; status: string }[]; notConcerned?: object[] };
  const change = (await response.json()) as Posted;
  assert.equal(response.headers.get('location'), `/v1/changes/${change.id}`);
  assert.equal(change.status, 'in_progress');
  // The citizen has a file at social services only: the other systems the flows route a move to are not concerned.
  assert.deepEqual(
    change.recipients.map((r) => [r.system, r.status]),
    [['social-services', 'pending']],
  );
  const notConcerned = ['school-catering', 'tax', 'waste-management'].map((system) => ({ system, reason: 'no-file' }));
  assert.deepEqual(change.notConcerned, notConcerned);
  assert.deepEqual(await storedRows(), { changes: before.changes + 1, outbox: before.outbox + 1, audit: before.audit + 1 });

  const audit = await database.db.query<{ actor: string; channel: string }>('SELECT actor, channel FROM audit_log WHERE change_id = $1', [
    change.id,
  ]);
  assert.deepEqual(audit.rows, [{ actor: 'dev', channel: 'web' }]);
  const outbox = await database.db.query<{ headers: Record<string, string>; message_key: string }>(
    'SELECT headers, message_key FROM outbox ORDER BY id DESC LIMIT 1',
  );
  assert.equal(outbox.rows[0]!.message_key, pivotId);
  assert.equal(outbox.rows[0]!.headers['ce_id'], change.id);
  assert.equal(outbox.rows[0]!.headers['ce_relaischannel'], 'web');
  assert.match(outbox.rows[0]!.headers['traceparent'] ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

  const read = await fetch(`${server.url}/v1/changes/${change.id}`, { headers: { authorization: `Bearer ${readOnly}` } });
  assert.equal(read.status, 200);
  const view = (await read.json()) as Posted;
  assert.equal(view.id, change.id);
  assert.deepEqual(view.notConcerned, notConcerned);
});

test('Idempotency-Key: same key and body give the same change; same key, other body is a 409', async () => {
  const key = `key-${Date.now()}`;
  const first = await post(validChange, { 'idempotency-key': key });
  const second = await post(
    { channel: validChange.channel, data: validChange.data, citizen: validChange.citizen, type: validChange.type },
    { 'idempotency-key': key },
  );
  assert.equal(first.status, 202);
  assert.equal(second.status, 202);
  const [a, b] = (await Promise.all([first.json(), second.json()])) as [{ id: string }, { id: string }];
  assert.equal(a.id, b.id);
  const count = await database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM changes WHERE idempotency_key = $1', [key]);
  assert.equal(count.rows[0]!.n, 1);
  await expectProblem(await post({ ...validChange, channel: 'phone' }, { 'idempotency-key': key }), 409, 'idempotency-conflict');
});

test('a citizen named by a system identifier is resolved to the same pivot id', async () => {
  const response = await post({ ...validChange, citizen: { system: 'social-services', id: 'SS-000123' } });
  assert.equal(response.status, 202);
  assert.equal(((await response.json()) as { pivotId: string }).pivotId, pivotId);
});

test("the timeline lists the citizen's changes; an unknown citizen is a 404", async () => {
  const headers = { authorization: `Bearer ${token}`, 'relais-purpose': 'test: the timeline lists changes' };
  const response = await fetch(`${server.url}/v1/citizens/${pivotId}/timeline`, { headers });
  assert.equal(response.status, 200);
  const body = (await response.json()) as { entries: { kind: string; channel: string }[] };
  assert.ok(body.entries.length >= 2);
  assert.ok(body.entries.every((e) => e.kind === 'change_accepted' && e.channel === 'web'));
  const unknown = await fetch(`${server.url}/v1/citizens/00000000-0000-4000-8000-000000000000/timeline`, { headers });
  await expectProblem(unknown, 404, 'not-found');
});

test('health, readiness and the OpenAPI document need no credential', async () => {
  assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  const ready = await fetch(`${server.url}/readyz`);
  assert.equal(ready.status, 200);
  const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as { openapi: string };
  assert.equal(doc.openapi, '3.1.0');
});

test('concurrent changes for one citizen reach the outbox in the order they were accepted', async () => {
  const responses = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      post({ ...validChange, data: { ...validChange.data, address: { ...validChange.data.address, streetName: `rue ${i}` } } }),
    ),
  );
  assert.ok(responses.every((r) => r.status === 202));
  const rows = await database.db.query<{ accepted_at: Date }>(
    `SELECT c.accepted_at FROM outbox o JOIN changes c ON c.id = (o.headers->>'ce_id')::uuid WHERE c.pivot_id = $1 ORDER BY o.id`,
    [pivotId],
  );
  const times = rows.rows.map((r) => new Date(r.accepted_at).getTime());
  assert.deepEqual(
    times,
    [...times].sort((a, b) => a - b),
  );
});

/** The request body examples of POST /v1/changes in gateway/openapi.yaml, one per event type. */
function openApiExamples(): { type: string; citizen: object; channel: string; data: unknown }[] {
  const paths = openApiDocument()['paths'] as Record<
    string,
    { post: { requestBody: { content: Record<string, { examples: Record<string, { value: never }> }> } } }
  >;
  return Object.values(paths['/v1/changes']!.post.requestBody.content['application/json']!.examples).map((e) => e.value);
}

const SUBMITTED = 'fr.relais.service-request.submitted.v1';
const SETTLED = 'fr.relais.change.settled.v1';

test('every event type of the catalogue is accepted; the OpenAPI document has one example per type', async () => {
  const examples = openApiExamples();
  // A submitted service request is created by POST /v1/service-requests, which assigns its id and
  // service; a change's settled notice is published by Relais itself (docs/privacy.md).
  assert.deepEqual(
    examples.map((e) => e.type).sort(),
    eventTypes()
      .filter((t) => t !== SUBMITTED && t !== SETTLED)
      .sort(),
  );
  const submitted = await post({ ...examples[0]!, type: SUBMITTED, data: eventExamples(SUBMITTED).valid[0] });
  await expectProblem(submitted, 422, 'validation-failed', '/type');
  const settled = await post({ ...examples[0]!, type: SETTLED, data: eventExamples(SETTLED).valid[0] });
  await expectProblem(settled, 422, 'validation-failed', '/type');
  // The examples name one citizen: their death goes last, as nothing else is accepted after it (life state).
  const deathLast = examples.toSorted((a, b) => Number(a.type === DEATH_REGISTERED_V1) - Number(b.type === DEATH_REGISTERED_V1));
  for (const example of deathLast) {
    const response = await post(example);
    assert.equal(response.status, 202, `${example.type}: ${await response.clone().text()}`);
    assert.equal(((await response.json()) as { type: string }).type, example.type);
  }
  await expectProblem(await post(deathLast[0]!), 409, 'citizen-deceased', '/citizen');
});

test('any catalogue event with one invalid field is a 422 naming that field, and nothing is stored', async () => {
  const before = await storedRows();
  for (const type of eventTypes()) {
    for (const example of eventExamples(type).invalid) {
      const response = await post({ type, citizen: { pivotId }, channel: 'web', data: example.data });
      assert.equal(response.status, 422, `${type}: ${example.why}`);
      const problem = (await response.json()) as { code: string; errors: { field: string }[] };
      assert.equal(problem.code, 'validation-failed');
      const pointer = example.field === '/' ? '/data' : `/data${example.field}`;
      assert.ok(
        problem.errors.some((e) => e.field === pointer || e.field.startsWith(`${pointer}/`)),
        `${type}, ${example.why}: expected ${pointer} in ${JSON.stringify(problem.errors)}`,
      );
    }
  }
  assert.deepEqual(await storedRows(), before);
});

test('the gateway serves the AsyncAPI document of its flows', async () => {
  const response = await fetch(`${server.url}/asyncapi.yaml`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^application\/yaml/);
  const text = await response.text();
  assert.match(text, /^asyncapi: 3\.0\.0$/m);
  for (const type of eventTypes()) assert.ok(text.includes(`name: ${type}`), type);
  assert.ok(text.includes('address: relais.delivery.social-services'));
});
