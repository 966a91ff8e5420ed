/**
 * POST /v1/citizens/{pivotId}/erasure against real PostgreSQL: the dpo erases a citizen — their
 * data key is destroyed, the erasure audited (with the grant, never personal data), and their
 * stored change reads back with its clear fields and `relaisErased` instead of the address; a
 * second erasure destroys nothing more. Refused: a role without `declare: erasure` (403 naming
 * the rule, nothing erased), a pivot id that is not a UUID (400), an unknown citizen (404), and
 * any erasure where nothing is sealed (503 erasure-unavailable).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { loadFlows } from '../core/flows/flows.ts';
import { linkIdentifier } from '../identity/identity-store.ts';
import { createLogger } from '../core/logger.ts';
import { newEventId } from '../core/ids.ts';
import { topicNames } from '../core/topics.ts';
import { createTestDatabase, type TestDatabase } from '@relais/connector-kit/testing';
import { CitizenKeys } from '../privacy/citizen-keys.ts';
import { masterKeyOf } from '../privacy/master-key.ts';
import { openStoredData, sealStoredData } from '../privacy/sealed-data.ts';
import { listen } from '../test/support/http.ts';
import { captureIo } from '../bin/cli/capture.ts';
import { runCli } from '../bin/cli/program.ts';
import { createApp } from './app.ts';
import { Authenticator, sha256Hex, type Credential } from './auth.ts';
import type { GatewayDeps } from './deps.ts';
import { loadRights } from './rights/rights.ts';

const flows = loadFlows('flows');
const rights = loadRights('flows/rights.yaml', flows);
const jeanne = '6f1c1a52-8a47-4c3e-9a43-5d8f1a0c2b11';
const other = '0b7e6a55-2c1d-4f3e-8a9b-1c2d3e4f5a6b';
const ADDRESS = 'fr.relais.citizen.address.changed.v1';
const address = {
  address: { number: '12', streetName: 'impasse des Oubliés', postcode: '69003', communeName: 'Lyon', country: 'FR' },
  effectiveDate: '2026-11-01',
};

const credential = (name: string, roles: string[]): Credential => ({
  name,
  tokenSha256: sha256Hex(`${name}-token`),
  scopes: ['citizens:read', 'citizens:write'],
  roles,
});

let database: TestDatabase;
let keys: CitizenKeys;
const servers: { url: string; close(): Promise<void> }[] = [];

function app(citizenKeys: CitizenKeys | undefined): Promise<{ url: string; close(): Promise<void> }> {
  const deps: GatewayDeps = {
    db: database.db,
    flows: () => flows,
    rights,
    topics: topicNames('relais'),
    auth: new Authenticator([credential('dpo', ['dpo']), credential('counter', ['front-desk-agent'])]),
    logger: createLogger({ component: 'test', level: 'silent' }),
    maxBodyBytes: 8192,
    ...(citizenKeys ? { citizenKeys } : {}),
  };
  return listen(createApp(deps)).then((server) => (servers.push(server), server));
}

before(async () => {
  database = await createTestDatabase('postgres');
  keys = new CitizenKeys(masterKeyOf(randomBytes(32)));
  await linkIdentifier(database.db, jeanne, 'social-services', 'SS-000123');
  await linkIdentifier(database.db, other, 'social-services', 'SS-000999');
  // A phone call logged at a desk for each: the agent's words about Jeanne go with her erasure.
  for (const [pivotId, note] of [
    [jeanne, 'Mme Martin signale son déménagement rue des Oubliés'],
    [other, 'Rappel prévu lundi'],
  ])
    await database.db.query(
      `INSERT INTO interactions (id, pivot_id, channel, subject, note, occurred_at, agent) VALUES ($1, $2, 'phone', 'Déménagement', $3, now(), 'dominique')`,
      [newEventId(), pivotId, note],
    );
});

after(async () => {
  for (const server of servers) await server.close();
  await database.drop();
});

async function erase(url: string, who: string, pivotId: string) {
  const response = await fetch(`${url}/v1/citizens/${pivotId}/erasure`, {
    method: 'POST',
    headers: { authorization: `Bearer ${who}-token` },
  });
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    body: (await response.json()) as Record<string, unknown>,
  };
}

test('the dpo erases a citizen: key destroyed, audited, the stored change reads without its personal data', async () => {
  const { url } = await app(keys);
  const id = newEventId();
  const data = await sealStoredData(keys, database.db, { id, pivotId: jeanne, type: ADDRESS, data: address });
  assert.doesNotMatch(JSON.stringify(data), /Oubliés/, 'sealed at rest');
  assert.deepEqual(await openStoredData(keys, database.db, { id, data }), address);

  const refused = await erase(url, 'counter', jeanne);
  assert.equal(refused.status, 403);
  assert.match(refused.type, /application\/problem\+json/);
  assert.equal(refused.body['rule'], 'declare:erasure');
  assert.deepEqual(await openStoredData(keys, database.db, { id, data }), address, 'nothing erased by a refusal');

  const erased = await erase(url, 'dpo', jeanne);
  assert.equal(erased.status, 200);
  assert.equal(erased.body['pivotId'], jeanne);
  assert.equal(erased.body['keysDestroyed'], 1);
  assert.equal(erased.body['notesErased'], 1);
  assert.deepEqual(erased.body['pivotIds'], [jeanne]);
  // The agent's note on her call is emptied; the call itself (channel, time) stays for the KPIs;
  // another citizen's note is untouched.
  const contacts = await database.db.query<{ pivot_id: string; subject: string; note: string | null; channel: string }>(
    'SELECT pivot_id, subject, note, channel FROM interactions ORDER BY pivot_id',
  );
  assert.deepEqual(contacts.rows.map((r) => [r.pivot_id === jeanne ? 'jeanne' : 'other', r.channel, r.subject, r.note]).sort(), [
    ['jeanne', 'phone', '[erased]', null],
    ['other', 'phone', 'Déménagement', 'Rappel prévu lundi'],
  ]);
  // Another process, with nothing cached, reads the same: the key is gone from the store.
  const elsewhere = new CitizenKeys(masterKeyOf(randomBytes(32)));
  for (const reader of [keys, elsewhere])
    assert.deepEqual(await openStoredData(reader, database.db, { id, data }), { effectiveDate: '2026-11-01', relaisErased: true });
  const audit = await database.db.query<{ actor: string; pivot_id: string; details: Record<string, unknown> }>(
    "SELECT actor, pivot_id, details FROM audit_log WHERE action = 'citizen.erased'",
  );
  assert.equal(audit.rows.length, 1);
  assert.equal(audit.rows[0]!.actor, 'dpo');
  assert.equal(audit.rows[0]!.pivot_id, jeanne);
  assert.equal(audit.rows[0]!.details['keysDestroyed'], 1);
  assert.doesNotMatch(JSON.stringify(audit.rows), /Oubliés/);

  const again = await erase(url, 'dpo', jeanne);
  assert.equal(again.status, 200);
  assert.equal(again.body['keysDestroyed'], 0);
  assert.equal(again.body['notesErased'], 0);
  // Told about again, the citizen gets a new key: what is sealed now opens, what was erased does not.
  const later = await sealStoredData(keys, database.db, { id: newEventId(), pivotId: jeanne, type: ADDRESS, data: address });
  assert.notEqual(
    (later as { relaisSealed: { kid: string } }).relaisSealed.kid,
    (data as { relaisSealed: { kid: string } }).relaisSealed.kid,
  );
});

test('relais citizens erase: the same erasure through the CLI; a refusal is one line and exit 1', async () => {
  const { url } = await app(keys);
  const paul = '7a2d2b63-9b58-4d5f-8b54-6e9f2b1d3c22';
  await linkIdentifier(database.db, paul, 'social-services', 'SS-000456');
  await sealStoredData(keys, database.db, { id: newEventId(), pivotId: paul, type: ADDRESS, data: address });
  const io = captureIo();
  assert.equal(await runCli(['citizens', 'erase', paul, '--url', url, '--token', 'dpo-token'], io), 0);
  assert.match(io.stdout.join('\n'), new RegExp(`erased ${paul} at .*: 1 data key\\(s\\) destroyed, 0 note\\(s\\) emptied`));
  const refused = captureIo();
  assert.equal(await runCli(['citizens', 'erase', paul, '--url', url, '--token', 'counter-token'], refused), 1);
  assert.match(refused.stderr.join('\n'), /erasing citizen .*: 403 rights-refused/);
  const bad = captureIo();
  assert.equal(await runCli(['citizens', 'erase', 'SS-000456', '--url', url, '--token', 'dpo-token'], bad), 2);
});

test('refusals: not a UUID (400), unknown citizen (404), nothing sealed here (503)', async () => {
  const { url } = await app(keys);
  const bad = await erase(url, 'dpo', 'SS-000123');
  assert.equal(bad.status, 400);
  assert.equal(bad.body['code'], 'invalid-parameter');
  const unknown = await erase(url, 'dpo', '00000000-0000-4000-8000-000000000000');
  assert.equal(unknown.status, 404);
  const bare = await app(undefined);
  const unavailable = await erase(bare.url, 'dpo', jeanne);
  assert.equal(unavailable.status, 503);
  assert.equal(unavailable.body['code'], 'erasure-unavailable');
});
