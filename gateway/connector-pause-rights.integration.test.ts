/**
 * Who may pause a system's deliveries (docs/adr/0040), against a real PostgreSQL: the `operator`
 * role with scope dead-letters:write pauses and resumes, each audited without personal data; a
 * front-desk agent, and an operator's token without the scope, are refused with a 403 naming
 * the rule or the scope; a pause needs a reason; an undeclared system is a 404.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '@relais/connector-kit/testing';
import { createLogger } from '../core/logger.ts';
import { loadFlows } from '../core/flows/flows.ts';
import { topicNames } from '../core/topics.ts';
import { listen } from '../test/support/http.ts';
import { agentCredential } from '../test/support/gateway.ts';
import { createApp } from './app.ts';
import { Authenticator } from './auth.ts';
import { loadRights } from './rights/rights.ts';

let database: TestDatabase;
let server: { url: string; close(): Promise<void> };

async function post(who: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}/v1/systems/${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${who}-token`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

before(async () => {
  database = await createTestDatabase('postgres');
  const flows = loadFlows('flows');
  server = await listen(
    createApp({
      db: database.db,
      flows: () => flows,
      rights: loadRights('flows/rights.yaml', flows),
      topics: topicNames('pause-rights'),
      auth: new Authenticator([
        agentCredential('operator', ['systems:read', 'dead-letters:write'], ['operator']),
        agentCredential('unscoped', ['systems:read'], ['operator']),
        agentCredential('counter', ['systems:read', 'dead-letters:write'], ['front-desk-agent']),
      ]),
      logger: createLogger({ component: 'test', level: 'silent' }),
      maxBodyBytes: 4096,
    }),
  );
});

after(async () => {
  await server?.close();
  await database?.drop();
});

test('only an operator pauses and resumes, naming the rule or the scope when refused', async () => {
  const counter = await post('counter', 'tax/pause', { reason: 'maintenance' });
  assert.equal(counter.status, 403);
  assert.equal(counter.body['rule'], 'read:systems');
  const unscoped = await post('unscoped', 'tax/pause', { reason: 'maintenance' });
  assert.equal(unscoped.status, 403);
  assert.match(String(unscoped.body['detail']), /dead-letters:write/);
  assert.equal((await post('operator', 'nowhere/pause', { reason: 'maintenance' })).status, 404);
  const noReason = await post('operator', 'tax/pause', {});
  assert.equal(noReason.status, 422, JSON.stringify(noReason.body));
  assert.deepEqual(noReason.body['errors'], [{ field: '/reason', message: 'is required' }]);

  const paused = await post('operator', 'tax/pause', { reason: 'bascule du serveur SFTP' });
  assert.equal(paused.status, 200, JSON.stringify(paused.body));
  assert.deepEqual(
    { by: (paused.body['pause'] as Record<string, unknown>)['by'], system: paused.body['system'] },
    { by: 'operator', system: 'tax' },
  );
  const systems = await fetch(`${server.url}/v1/systems`, { headers: { authorization: 'Bearer operator-token' } });
  const tax = ((await systems.json()) as { systems: { name: string; pause: unknown }[] }).systems.find((s) => s.name === 'tax')!;
  assert.equal((tax.pause as { reason: string }).reason, 'bascule du serveur SFTP');
  assert.equal((await post('counter', 'tax/resume')).status, 403);
  assert.equal((await post('operator', 'tax/resume')).status, 200);
  assert.equal((await post('operator', 'tax/resume')).status, 409, 'not paused any more');

  const audit = await database.db.query<{ actor: string; action: string; details: Record<string, unknown>; pivot_id: string | null }>(
    `SELECT actor, action, details, pivot_id FROM audit_log WHERE action LIKE 'system.%' ORDER BY id`,
  );
  assert.deepEqual(
    audit.rows.map((r) => [r.actor, r.action, r.details['system'], r.pivot_id]),
    [
      ['operator', 'system.paused', 'tax', null],
      ['operator', 'system.resumed', 'tax', null],
    ],
  );
  assert.equal(audit.rows[0]!.details['reason'], 'bascule du serveur SFTP');
});
