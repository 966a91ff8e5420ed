/**
 * Reviewing held import records through the gateway, against real PostgreSQL: an identity
 * reviewer lists them (each read recorded; also with `relais identities held`) and links one to a
 * candidate (200, audited); a register id that is not a candidate is a 422 on /registerId, a
 * second decision a 409; a credential holding the scope but not the right is refused with a 403
 * naming the rule, and nothing is decided.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@relais/connector-kit/testing';
import { loadFlows } from '../core/flows/flows.ts';
import { createLogger } from '../core/logger.ts';
import { topicNames } from '../core/topics.ts';
import { importPopulation } from '../identity/population-import.ts';
import { memoryRegister, writePopulationCsv } from '../identity/testing/population.ts';
import { captureIo } from '../bin/cli/capture.ts';
import { runCli } from '../bin/cli/program.ts';
import { listen } from '../test/support/http.ts';
import { createApp } from './app.ts';
import { Authenticator, sha256Hex, type Credential } from './auth.ts';
import { loadRights } from './rights/rights.ts';

const flows = loadFlows('flows');
const rights = loadRights('flows/rights.yaml', flows);

const credential = (name: string, roles: string[]): Credential => ({
  name,
  tokenSha256: sha256Hex(`${name}-token`),
  scopes: ['identity:review'],
  roles,
});

let database: TestDatabase;
let server: { url: string; close(): Promise<void> };
let importId: string;
const dir = mkdtempSync(join(tmpdir(), 'relais-import-review-http-'));

before(async () => {
  database = await createTestDatabase('postgres');
  const file = join(dir, 'social-services.csv');
  // Records 0 and 10 have homonyms in the register: held, on lines 2 and 12.
  writePopulationCsv(file, 12);
  const resolver = memoryRegister(12);
  importId = (await importPopulation({ db: database.db, resolver, system: 'social-services', file, actor: 'import-test' })).importId;
  const auth = new Authenticator([
    credential('reviewer', ['identity-reviewer']),
    // Holds the scope but not the right: the rights file decides.
    credential('operator', ['operator']),
  ]);
  server = await listen(
    createApp({
      db: database.db,
      flows: () => flows,
      rights,
      topics: topicNames('relais'),
      auth,
      logger: createLogger({ component: 'test', level: 'silent' }),
      maxBodyBytes: 8192,
      identityResolver: resolver,
    }),
  );
});

after(async () => {
  await server.close();
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function call(who: string, method: string, to: string, body?: unknown) {
  const response = await fetch(`${server.url}${to}`, {
    method,
    headers: { authorization: `Bearer ${who}-token`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    body: (text ? JSON.parse(text) : undefined) as Record<string, unknown>,
  };
}

const decision = (line: number) => `/v1/identity-reviews/imports/${encodeURIComponent(importId)}/${line}/decision`;

test('a credential without the right: 403 naming the rule, nothing listed nor decided', async () => {
  const list = await call('operator', 'GET', '/v1/identity-reviews/imports?system=social-services');
  assert.equal(list.status, 403);
  assert.match(list.type, /^application\/problem\+json/);
  assert.deepEqual([list.body['code'], list.body['rule']], ['rights-refused', 'read:identity-reviews']);
  const decide = await call('operator', 'POST', decision(2), { registerId: 'EC-0' });
  assert.equal(decide.status, 403);
  const decided = await database.db.query('SELECT 1 FROM identity_import_records WHERE decided_at IS NOT NULL');
  assert.equal(decided.rows.length, 0);
});

test('listed, linked to a candidate (audited); not a candidate 422 /registerId; decided twice 409', async () => {
  const missing = await call('reviewer', 'GET', '/v1/identity-reviews/imports');
  assert.deepEqual([missing.status, (missing.body['errors'] as { field: string }[])[0]?.field], [400, '/system']);
  const page = await call('reviewer', 'GET', '/v1/identity-reviews/imports?system=social-services&limit=1');
  assert.equal(page.status, 200);
  const records = page.body['records'] as { line: number; localId: string; candidates: { registerId: string }[] }[];
  assert.deepEqual(
    records.map((r) => [r.line, r.localId, r.candidates.map((c) => c.registerId).sort()]),
    [[2, 'SS-0', ['EC-0', 'EC-0-B']]],
  );
  const next = await call('reviewer', 'GET', `/v1/identity-reviews/imports?system=social-services&after=${String(page.body['next'])}`);
  assert.deepEqual(
    (next.body['records'] as { localId: string }[]).map((r) => r.localId),
    ['SS-10'],
  );

  // The same list from a terminal: `relais identities held`.
  const io = captureIo();
  const code = await runCli(['identities', 'held', 'social-services', '--url', server.url, '--token', 'reviewer-token'], io);
  assert.equal(code, 0, io.stderr.join('\n'));
  assert.match(io.stdout[0] ?? '', /line 2: SS-0 \(homonyms\): EC-0(-B)? \(\d+\), EC-0(-B)? \(\d+\)$/);
  assert.equal(io.stdout.at(-1), '2 held record(s) to decide (POST /v1/identity-reviews/imports/{importId}/{line}/decision)');

  const notCandidate = await call('reviewer', 'POST', decision(2), { registerId: 'EC-9' });
  assert.equal(notCandidate.status, 422);
  assert.deepEqual(
    (notCandidate.body['errors'] as { field: string }[]).map((e) => e.field),
    ['/registerId'],
  );
  const linked = await call('reviewer', 'POST', decision(2), { registerId: 'EC-0-B' });
  assert.equal(linked.status, 200);
  assert.deepEqual(
    { ...linked.body, pivotId: undefined },
    { importId, line: 2, system: 'social-services', localId: 'SS-0', decision: 'linked', pivotId: undefined, redriven: [] },
  );
  const links = await database.db.query<{ system: string; local_id: string; link_method: string; linked_by: string }>(
    'SELECT system, local_id, link_method, linked_by FROM citizen_identifiers WHERE pivot_id = $1 ORDER BY system',
    [linked.body['pivotId']],
  );
  assert.deepEqual(links.rows, [
    { system: 'civil-registry', local_id: 'EC-0-B', link_method: 'identity-review', linked_by: 'reviewer' },
    { system: 'social-services', local_id: 'SS-0', link_method: 'identity-review', linked_by: 'reviewer' },
  ]);
  const again = await call('reviewer', 'POST', decision(2), { decision: 'reject' });
  assert.deepEqual([again.status, again.body['code']], [409, 'review-decided']);
  const rejected = await call('reviewer', 'POST', decision(12), { decision: 'reject', reason: 'none is the person' });
  assert.deepEqual([rejected.status, rejected.body['decision']], [200, 'rejected']);
  assert.equal((await call('reviewer', 'POST', decision(99), { decision: 'reject' })).status, 404);

  const audit = await database.db.query<{ actor: string; action: string; details: Record<string, unknown> }>(
    "SELECT actor, action, details FROM audit_log WHERE action LIKE 'identity.import.%' OR action = 'personal-data.read' ORDER BY id",
  );
  assert.deepEqual(
    audit.rows.map((r) => [r.actor, r.action, r.details['line'] ?? r.details['operation']]),
    [
      ['reviewer', 'personal-data.read', 'GET /v1/identity-reviews/imports'],
      ['reviewer', 'personal-data.read', 'GET /v1/identity-reviews/imports'],
      ['reviewer', 'personal-data.read', 'GET /v1/identity-reviews/imports'],
      ['reviewer', 'identity.import.linked', 2],
      ['reviewer', 'identity.import.rejected', 12],
    ],
  );
});
