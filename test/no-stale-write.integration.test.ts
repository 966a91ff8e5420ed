/**
 * No stale write (issue 13, docs/contracts.md "No stale write"), on the whole stack with the
 * social-services simulator: address changes are dead-lettered while the silo fails, newer
 * address changes for the same citizens are applied once it is back, and then an operator
 * replays every dead letter. Every silo file must keep the newest address, the silo must never
 * receive the older one again, and the replayed deliveries must read `superseded` — in the
 * change's status, the dead-letter view and the KPIs.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { addressChange, devToken, settledAll, startStack, type Stack } from './support/stack.ts';

const files = ['SS-420001', 'SS-420002', 'SS-420003', 'SS-420004'];
let stack: Stack;

before(async () => {
  // A short patience: the silo failing for longer than that dead-letters (the outage rule of
  // docs/contracts.md); the test is about what a replay of those dead letters does.
  stack = await startStack({ store: 'postgres', env: { RELAIS_SINK_PATIENCE_MS: '1000' } });
});
after(() => stack.stop());

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${stack.relais.gatewayUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${devToken}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
  });

test('dead letters replayed after newer changes: every silo file keeps the newest value; the replays are superseded', async () => {
  for (const file of files) await stack.openFile(file);
  const started = new Date(Date.now() - 1000).toISOString();

  await stack.setFault({ mode: 'erreur', statut: 503 });
  const old: string[] = [];
  try {
    for (const file of files) {
      const posted = await stack.postChange(addressChange(file, 'rue Ancienne'));
      assert.equal(posted.status, 202, JSON.stringify(posted.body));
      old.push(posted.body.id);
    }
    for (const id of old) {
      const dead = await stack.waitForStatus(id, settledAll, 60_000);
      assert.equal(dead.recipients[0]!.status, 'dead_lettered');
    }
  } finally {
    await stack.setFault(null);
  }

  const newer: string[] = [];
  for (const file of files) newer.push((await stack.postChange(addressChange(file, 'rue Nouvelle'))).body.id);
  for (const id of newer) assert.equal((await stack.waitForStatus(id, settledAll)).status, 'completed');

  const replay = await api('/v1/systems/social-services/dead-letters/replay', { method: 'POST', body: JSON.stringify({ all: true }) });
  assert.equal(replay.status, 200);
  assert.deepEqual(((await replay.json()) as { replayed: string[] }).replayed.sort(), [...old].sort());

  for (const id of old) {
    const change = await stack.waitForStatus(id, (c) => c.recipients[0]!.status === 'superseded');
    assert.equal(change.status, 'completed', 'superseded by a newer applied change: nothing is left to do');
    assert.match(change.recipients[0]!.reason ?? '', /newer change of this kind \(sequence \d+\) was already applied/);
  }
  for (const file of files) {
    assert.equal((await stack.file(file)).adresse['libelleVoie'], 'rue Nouvelle', `${file} keeps the newest address`);
    // From the silo's own side: the older address was never written (its journal holds the
    // failed attempts, answered 503, and the newer change's write only).
    const written = (await stack.journal(file)).filter((e) => e.statutHttp < 300);
    assert.deepEqual(
      written.map((e) => JSON.stringify(e.body).includes('rue Ancienne')),
      [false],
      `${file}: one successful write, the newer one`,
    );
  }

  const view = (await (await api('/v1/systems/social-services/dead-letters')).json()) as {
    deadLetters: { eventId: string; status: string }[];
  };
  assert.deepEqual(
    view.deadLetters
      .filter((d) => old.includes(d.eventId))
      .map((d) => d.status)
      .sort(),
    old.map(() => 'superseded'),
  );
  const again = (await (
    await api('/v1/systems/social-services/dead-letters/replay', { method: 'POST', body: JSON.stringify({ eventIds: [old[0]] }) })
  ).json()) as { skipped: { reason: string }[] };
  assert.deepEqual(again.skipped, [{ eventId: old[0], reason: 'already superseded since' }]);

  const kpis = (await (await api(`/v1/kpis?from=${encodeURIComponent(started)}`)).json()) as {
    total: { superseded: number; applied: number; deadLettered: number };
  };
  assert.deepEqual([kpis.total.superseded, kpis.total.applied, kpis.total.deadLettered], [files.length, files.length, 0]);
});
