/**
 * Pausing a connector (issue 15, docs/adr/0040), end to end with a real broker, PostgreSQL and
 * the social-services simulator: an operator pauses social-services; a change posted meanwhile
 * stays `delivered` and the silo's journal shows no write for several seconds, while
 * GET /v1/systems says who paused it, when and why; once resumed, the change is `applied`, once,
 * with no dead letter. Both actions are in the audit log.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { addressChange, devToken, startStack, type Stack } from './support/stack.ts';

let stack: Stack;
before(async () => {
  stack = await startStack({ store: 'postgres' });
});
after(() => stack.stop());

async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${stack.relais.gatewayUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${devToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as T };
}

interface SystemView {
  name: string;
  pause?: { since: string; by: string; reason: string } | null;
}
const socialServices = async () =>
  (await call<{ systems: SystemView[] }>('GET', '/v1/systems')).body.systems.find((s) => s.name === 'social-services')!;

test('a change to a paused system waits as delivered, then is applied once when resumed', async () => {
  const file = 'SS-440001';
  await stack.openFile(file);
  const reason = 'maintenance du logiciel social, 2 h';
  const paused = await call<{ pause: { by: string; reason: string } }>('POST', '/v1/systems/social-services/pause', { reason });
  assert.equal(paused.status, 200, JSON.stringify(paused.body));
  assert.equal(paused.body.pause.reason, reason);
  assert.equal((await call('POST', '/v1/systems/social-services/pause', { reason })).status, 409, 'already paused');
  const shown = await socialServices();
  assert.equal(shown.pause?.reason, reason);
  assert.equal(shown.pause?.by, paused.body.pause.by);
  // The runtime re-reads the flag every second: let it see the pause before posting.
  await sleep(1500);

  const posted = await stack.postChange(addressChange(file, 'rue de la Pause'));
  assert.equal(posted.status, 202);
  const id = posted.body.id;
  await stack.waitForStatus(id, (c) => c.recipients.every((r) => r.status === 'delivered'), 20_000);
  await sleep(4000);
  const held = await stack.getChange(id);
  assert.deepEqual(
    held.recipients.map((r) => r.status),
    ['delivered'],
    'still waiting after 4 s',
  );
  assert.equal((await stack.journal(file)).filter((e) => e.statutHttp < 300).length, 0, 'nothing written to the silo');

  const resumed = await call<{ pause: null }>('POST', '/v1/systems/social-services/resume');
  assert.equal(resumed.status, 200);
  assert.equal(resumed.body.pause, null);
  assert.equal((await socialServices()).pause ?? null, null);
  const applied = await stack.waitForStatus(id, (c) => c.recipients.every((r) => r.status !== 'delivered'), 30_000);
  assert.deepEqual(
    applied.recipients.map((r) => r.status),
    ['applied'],
  );
  const writes = (await stack.journal(file)).filter((e) => e.statutHttp < 300 && !e.rejoue);
  assert.equal(writes.length, 1, 'applied once');
  assert.equal((await stack.file(file)).adresse['libelleVoie'], 'rue de la Pause');
  const dead = await call<{ deadLetters: unknown[] }>('GET', '/v1/systems/social-services/dead-letters');
  assert.equal(dead.body.deadLetters.length, 0, 'no dead letter');

  const audit = await stack.database!.db.query<{ action: string; details: Record<string, unknown> }>(
    `SELECT action, details FROM audit_log WHERE action IN ('system.paused', 'system.resumed') ORDER BY id`,
  );
  assert.deepEqual(
    audit.rows.map((r) => [r.action, r.details['system']]),
    [
      ['system.paused', 'social-services'],
      ['system.resumed', 'social-services'],
    ],
  );
  assert.equal(audit.rows[0]!.details['reason'], reason);
});
