/**
 * The dead-letter endpoints' edges against real PostgreSQL: scopes, an undeclared system, a
 * body that is neither eventIds nor all, and Kafka out of reach (503 kafka-unavailable with
 * Retry-After, nothing audited). The replay itself runs end to end in test/cli.integration.test.ts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBus } from '../core/bus/index.ts';
import type { Bus } from '../core/bus/types.ts';
import { createLogger } from '../core/logger.ts';
import { loadFlows } from '../core/flows/flows.ts';
import { topicNames } from '../core/topics.ts';
import { createTestDatabase, freePort, type TestDatabase } from '@relais/connector-kit/testing';
import { listen } from '../test/support/http.ts';
import { createApp, type GatewayDeps } from './app.ts';
import { Authenticator, devCredential, sha256Hex } from './auth.ts';
import { loadRights } from './rights/rights.ts';

const flows = loadFlows(join(dirname(fileURLToPath(import.meta.url)), '../flows'));
const rights = loadRights(join(dirname(fileURLToPath(import.meta.url)), '../flows/rights.yaml'), flows);
const admin = 'dlq-admin-token';
const reader = 'dlq-reader-token';
const logger = createLogger({ component: 'test', level: 'silent' });

let database: TestDatabase;
let deadBus: Bus;
const servers: { url: string; close(): Promise<void> }[] = [];

async function app(extra: Partial<GatewayDeps> = {}): Promise<string> {
  const auth = new Authenticator([devCredential(admin), { name: 'ops-reader', tokenSha256: sha256Hex(reader), scopes: ['systems:read'] }]);
  const server = await listen(
    createApp({ db: database.db, flows: () => flows, rights, topics: topicNames('relais'), auth, logger, maxBodyBytes: 4096, ...extra }),
  );
  servers.push(server);
  return server.url;
}

before(async () => {
  database = await createTestDatabase('postgres');
  // A broker address where nothing listens: Kafka out of reach.
  deadBus = createBus({ brokers: [`127.0.0.1:${await freePort('127.0.0.1')}`], clientId: 'dlq-test', logger });
});

after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await deadBus.close();
  await database.drop();
});

function replay(url: string, system: string, body: unknown, token = admin): Promise<Response> {
  return fetch(`${url}/v1/systems/${system}/dead-letters/replay`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

test('replaying needs the dead-letters:write scope; listing needs systems:read', async () => {
  const url = await app({ bus: deadBus });
  const forbidden = await replay(url, 'tax', { all: true }, reader);
  assert.equal(forbidden.status, 403);
  assert.equal(((await forbidden.json()) as { code: string }).code, 'forbidden');
  const anonymous = await fetch(`${url}/v1/systems/tax/dead-letters`);
  assert.equal(anonymous.status, 401);
});

test('a system the flows do not declare is a 404', async () => {
  const url = await app({ bus: deadBus });
  const response = await fetch(`${url}/v1/systems/archives/dead-letters`, { headers: { authorization: `Bearer ${reader}` } });
  assert.equal(response.status, 404);
  assert.match(((await response.json()) as { detail: string }).detail, /no system "archives" is declared/);
});

test('a replay body is eventIds (UUIDs) or all: true, not both, not neither', async () => {
  const url = await app({ bus: deadBus });
  for (const body of [
    {},
    { all: true, eventIds: ['00000000-0000-4000-8000-000000000001'] },
    { eventIds: ['not-a-uuid'] },
    { all: false },
    { eventIds: [] },
  ]) {
    const response = await replay(url, 'tax', body);
    assert.equal(response.status, 422, JSON.stringify(body));
    assert.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  }
});

test('source dead letters: kind filters the list, kind: source selects them for a re-drive; another kind is a 422', async () => {
  const url = await app({ bus: deadBus });
  const bad = await fetch(`${url}/v1/systems/tax/dead-letters?kind=poison`, { headers: { authorization: `Bearer ${reader}` } });
  assert.equal(bad.status, 422);
  // Well-formed: they reach Kafka (out of reach here), not a validation refusal.
  const listed = await fetch(`${url}/v1/systems/tax/dead-letters?kind=source`, { headers: { authorization: `Bearer ${reader}` } });
  assert.equal(listed.status, 503);
  for (const body of [
    { all: true, kind: 'source' },
    { eventIds: ['00000000-0000-4000-8000-000000000001'], kind: 'delivery' },
  ]) {
    assert.equal((await replay(url, 'tax', body)).status, 503, JSON.stringify(body));
  }
  assert.equal((await replay(url, 'tax', { all: true, kind: 'router' })).status, 422);
});

test('Kafka out of reach: 503 kafka-unavailable with Retry-After, and nothing audited', async () => {
  for (const url of [await app({ bus: deadBus }), await app()]) {
    const listed = await fetch(`${url}/v1/systems/tax/dead-letters`, { headers: { authorization: `Bearer ${reader}` } });
    assert.equal(listed.status, 503);
    assert.equal(listed.headers.get('retry-after'), '5');
    assert.equal(((await listed.json()) as { code: string }).code, 'kafka-unavailable');
    const replayed = await replay(url, 'tax', { all: true });
    assert.equal(replayed.status, 503);
  }
  const audit = await database.db.query<{ count: number }>("SELECT count(*)::int AS count FROM audit_log WHERE action = 'dlq.replayed'");
  assert.equal(audit.rows[0]!.count, 0);
});
