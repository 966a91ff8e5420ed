/**
 * Dead-letter triage by an operator (docs/adr/0036), against a real Kafka broker and PostgreSQL:
 * the `operator` role replays and discards with scope dead-letters:write — no `admin` — while a
 * read-only monitoring client and a front-desk agent are refused, each naming the rule. A discard
 * needs a reason, is audited with it, shows as `discarded` in the list and is never replayed; a
 * replay puts the original delivery back on the system's delivery topic.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Bus } from '../core/bus/types.ts';
import { topicNames, type TopicNames } from '../core/topics.ts';
import { decodeDelivery, encodeDelivery } from '../core/envelopes.ts';
import { createTestDatabase, ensureTestTopics, readTopic, testBus, uniquePrefix, type TestDatabase } from '@relais/connector-kit/testing';
import { createLogger } from '../core/logger.ts';
import { loadFlows } from '../core/flows/flows.ts';
import { listen } from '../test/support/http.ts';
import { agentCredential } from '../test/support/gateway.ts';
import { createApp } from './app.ts';
import { Authenticator, sha256Hex } from './auth.ts';
import { loadRights } from './rights/rights.ts';

const discardMe = randomUUID();
const replayMe = randomUUID();
const fixMe = randomUUID();
const pivot = 'c0ffee00-0000-4000-8000-000000000001';
// What the tax office received: a postcode of four digits, which it refused.
const badAddress = {
  number: '8',
  streetName: 'rue de la Console',
  postcode: '6900',
  communeName: 'Lyon',
  communeInsee: '69383',
  country: 'FR',
};

/** A real delivery, dead-lettered as the sink runtime does it (its headers say why). */
function deadDelivery(eventId: string) {
  const delivery = encodeDelivery(
    {
      eventId,
      type: 'fr.relais.citizen.address.changed.v1',
      pivotId: pivot,
      system: 'tax',
      routeId: 'address-changed-to-tax',
      citizenId: 'FISC-1',
      data: { address: badAddress, effectiveDate: '2026-12-01' },
      time: new Date().toISOString(),
    },
    topics.dlq('tax'),
  );
  const { topic, key, headers } = deadLetter(eventId);
  return { topic, key, value: delivery.value, headers: { ...headers, ...delivery.headers } };
}
let database: TestDatabase;
let bus: Bus;
let topics: TopicNames;
let server: { url: string; close(): Promise<void> };

function deadLetter(eventId: string) {
  return {
    topic: topics.dlq('tax'),
    key: 'c0ffee00-0000-4000-8000-000000000001',
    value: Buffer.from(JSON.stringify({ effectiveDate: '2026-12-01' })),
    headers: {
      ce_id: eventId,
      ce_type: 'fr.relais.citizen.address.changed.v1',
      ce_subject: 'c0ffee00-0000-4000-8000-000000000001',
      relais_error_code: 'SILO_REJECTED_FORMAT',
      relais_error_message: 'tax office: record 1 has no postcode',
      relais_error_retriable: 'false',
      relais_attempts: '1',
      relais_failed_at: new Date().toISOString(),
      relais_source_topic: topics.delivery('tax'),
    },
  };
}

async function post(who: string, path: string, body: unknown) {
  const response = await fetch(`${server.url}/v1/systems/tax/dead-letters/${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${who}-token`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

before(async () => {
  database = await createTestDatabase('postgres');
  const prefix = uniquePrefix('triage');
  topics = topicNames(prefix);
  bus = testBus();
  await ensureTestTopics(bus, prefix, ['tax']);
  await bus.publish([deadLetter(discardMe), deadLetter(replayMe), deadDelivery(fixMe)]);
  const flows = loadFlows('flows');
  server = await listen(
    createApp({
      db: database.db,
      bus,
      flows: () => flows,
      rights: loadRights('flows/rights.yaml', flows),
      topics,
      dlqReaderGroup: `${prefix}-dlq-reader`,
      auth: new Authenticator([
        agentCredential('operator', ['systems:read', 'dead-letters:write'], ['operator']),
        agentCredential('counter', ['systems:read', 'dead-letters:write'], ['front-desk-agent']),
        { name: 'ops-reader', tokenSha256: sha256Hex('ops-reader-token'), scopes: ['systems:read', 'dead-letters:write'] },
      ]),
      logger: createLogger({ component: 'test', level: 'silent' }),
      maxBodyBytes: 4096,
    }),
  );
});

after(async () => {
  await server?.close();
  await bus?.close();
  await database?.drop();
});

test('only an operator triages: a monitoring client and a front-desk agent are refused, naming the rule', async () => {
  const reader = await post('ops-reader', 'replay', { eventIds: [replayMe] });
  assert.equal(reader.status, 403);
  assert.equal(reader.body['rule'], 'declare:dead-letter-triage');
  const counter = await post('counter', 'discard', { eventIds: [discardMe], reason: 'test' });
  assert.equal(counter.status, 403);
  assert.equal(counter.body['rule'], 'read:dead-letters');
});

test('a discard needs a reason, is audited with it, shows as discarded and is never replayed; a replay re-drives the original', async () => {
  const noReason = await post('operator', 'discard', { eventIds: [discardMe] });
  assert.equal(noReason.status, 422);
  assert.ok((noReason.body['errors'] as { field: string }[]).some((e) => e.field === '/reason'));

  const discarded = await post('operator', 'discard', { eventIds: [discardMe], reason: 'Moved abroad; the tax office closed the file' });
  assert.equal(discarded.status, 200, JSON.stringify(discarded.body));
  assert.deepEqual(discarded.body['discarded'], [discardMe]);
  const audit = await database.db.query<{ actor: string; reason: string }>(
    `SELECT actor, details->>'reason' AS reason FROM audit_log WHERE action = 'dlq.discarded' AND details->>'eventId' = $1`,
    [discardMe],
  );
  assert.deepEqual(audit.rows, [{ actor: 'operator', reason: 'Moved abroad; the tax office closed the file' }]);

  const list = await fetch(`${server.url}/v1/systems/tax/dead-letters`, { headers: { authorization: 'Bearer operator-token' } });
  const letters = ((await list.json()) as { deadLetters: { eventId: string; status: string }[] }).deadLetters;
  assert.deepEqual(
    new Map(letters.map((d) => [d.eventId, d.status])),
    new Map([
      [discardMe, 'discarded'],
      [replayMe, 'dead_lettered'],
      [fixMe, 'dead_lettered'],
    ]),
  );

  const replayed = await post('operator', 'replay', { eventIds: [discardMe, replayMe] });
  assert.equal(replayed.status, 200);
  assert.deepEqual(replayed.body['replayed'], [replayMe]);
  assert.deepEqual(replayed.body['skipped'], [{ eventId: discardMe, reason: 'already discarded since' }]);
  const redriven = await readTopic(topics.delivery('tax'), (m) => m.length >= 1);
  assert.deepEqual(
    redriven.map((m) => m.headers['ce_id']),
    [replayMe],
  );
});

test('an operator inspects a dead letter, and fixes it: the correction is checked against the schema and the allow-list, audited, re-driven', async () => {
  const inspected = await fetch(`${server.url}/v1/systems/tax/dead-letters/${fixMe}`, {
    headers: { authorization: 'Bearer operator-token' },
  });
  assert.equal(inspected.status, 200);
  assert.deepEqual(((await inspected.json()) as { data: unknown }).data, { address: badAddress, effectiveDate: '2026-12-01' });
  const reads = await database.db.query(
    `SELECT 1 FROM audit_log WHERE action = 'personal-data.read' AND details->>'operation' = $1 AND actor = 'operator'`,
    ['GET /v1/systems/{system}/dead-letters/{eventId}'],
  );
  assert.equal(reads.rowCount, 1, 'reading the data is audited');

  const stillBad = await post('operator', `${fixMe}/fix`, {
    data: { address: { ...badAddress, postcode: '6900X' }, effectiveDate: '2026-12-01' },
  });
  assert.equal(stillBad.status, 422);
  assert.deepEqual(
    (stillBad.body['errors'] as { field: string }[]).map((e) => e.field),
    ['/data/address/postcode'],
  );
  const widened = await post('operator', `${fixMe}/fix`, {
    data: {
      address: { ...badAddress, postcode: '69003' },
      effectiveDate: '2026-12-01',
      previousAddress: { ...badAddress, postcode: '69001' },
    },
  });
  assert.equal(widened.status, 422);
  assert.deepEqual(
    (widened.body['errors'] as { field: string }[]).map((e) => e.field),
    [
      '/data/previousAddress/number',
      '/data/previousAddress/streetName',
      '/data/previousAddress/postcode',
      '/data/previousAddress/communeName',
      '/data/previousAddress/communeInsee',
      '/data/previousAddress/country',
    ],
  );

  const fixed = await post('operator', `${fixMe}/fix`, {
    data: { address: { ...badAddress, postcode: '69003' }, effectiveDate: '2026-12-01' },
  });
  assert.equal(fixed.status, 200, JSON.stringify(fixed.body));
  assert.deepEqual(fixed.body['fields'], ['address']);
  const audit = await database.db.query<{ action: string; fields: string[] | null }>(
    `SELECT action, details->'fields' AS fields FROM audit_log WHERE action IN ('dlq.fixed', 'dlq.replayed') AND details->>'eventId' = $1 ORDER BY id`,
    [fixMe],
  );
  assert.deepEqual(audit.rows, [
    { action: 'dlq.fixed', fields: ['address'] },
    { action: 'dlq.replayed', fields: null },
  ]);
  const redriven = await readTopic(topics.delivery('tax'), (m) => m.some((x) => x.headers['ce_id'] === fixMe));
  const delivery = decodeDelivery(redriven.find((m) => m.headers['ce_id'] === fixMe)!);
  assert.equal((delivery.data['address'] as { postcode: string }).postcode, '69003');
  assert.equal(delivery.citizenId, 'FISC-1', 'the rest of the delivery is as it was');
});
