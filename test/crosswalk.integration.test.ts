/**
 * Managing the crosswalk end to end (gateway → store → Kafka → router → social-services connector
 * → simulator): a change social services did not receive for want of a file (not concerned) is
 * applied once the identifier is linked and the change re-driven; a merge re-drives the merged citizen's changes and
 * keeps them in the timeline; an unlink keeps every change, timeline entry and audit entry
 * reachable. Each decision is audited; refusals name the field.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { newPivotId } from '../core/ids.ts';
import { linkIdentifier } from '../identity/identity-store.ts';
import { runCli } from '../bin/cli/program.ts';
import { captureIo } from '../bin/cli/capture.ts';
import { devToken, startStack, type ChangeView, type Stack } from './support/stack.ts';

let stack: Stack;
const auth = { authorization: `Bearer ${devToken}` };

before(async () => {
  stack = await startStack({ store: 'postgres', flows: ['social-services.yaml', 'civil-registry.yaml'] });
});
after(() => stack?.stop());

async function call<T>(
  method: string,
  path: string,
  body?: object,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${stack.relais.gatewayUrl}${path}`, {
    method,
    headers: { ...auth, 'content-type': 'application/json', ...headers },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as T };
}

function move(pivotId: string, street: string): object {
  return {
    type: 'fr.relais.citizen.address.changed.v1',
    citizen: { pivotId },
    channel: 'desk',
    data: {
      address: { number: '3', streetName: street, postcode: '69003', communeName: 'Lyon', communeInsee: '69383', country: 'FR' },
      effectiveDate: '2026-11-01',
    },
  };
}

const socialServices = (change: ChangeView) => change.recipients.find((r) => r.system === 'social-services');

/**
 * A change for the citizen that social services cannot receive yet: social services holds no file
 * on them, so it is not concerned (docs/adr/0026) — not a recipient, listed with the reason.
 */
async function rejectedChange(pivotId: string, street: string): Promise<ChangeView> {
  const posted = await stack.postChange(move(pivotId, street));
  assert.equal(posted.status, 202);
  const settled = await stack.getChange(posted.body.id);
  assert.equal(socialServices(settled), undefined, 'not a recipient');
  assert.deepEqual(settled.notConcerned, [{ system: 'social-services', reason: 'no-file' }]);
  return settled;
}

const auditCount = async (pivotIds: string[]) =>
  (
    await stack.database!.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM audit_log WHERE pivot_id = ANY($1::uuid[]) OR change_id IN (SELECT id FROM changes WHERE pivot_id = ANY($1::uuid[]))',
      [pivotIds],
    )
  ).rows[0]!.n;

type Timeline = { pivotId: string; merged?: string[]; entries: { changeId?: string; kind: string; system?: string; status?: string }[] };
const timelineOf = (pivotId: string) =>
  call<Timeline>('GET', `/v1/citizens/${pivotId}/timeline`, undefined, { 'relais-purpose': 'crosswalk test' });

test('link, then re-drive: a system not concerned for want of a file applies the change', { timeout: 120_000 }, async () => {
  const pivotId = newPivotId();
  await linkIdentifier(stack.database!.db, pivotId, 'civil-registry', 'EC-70000001');
  const rejected = await rejectedChange(pivotId, 'rue du Lien');
  await stack.openFile('SS-700001');

  const linked = await call<{ pivotId: string; created: boolean }>('POST', '/v1/identities/links', {
    pivotId,
    system: 'social-services',
    id: 'SS-700001',
    reason: 'file found at the desk',
  });
  assert.deepEqual([linked.status, linked.body.pivotId, linked.body.created], [201, pivotId, true]);
  const again = await call<{ created: boolean }>('POST', '/v1/identities/links', { pivotId, system: 'social-services', id: 'SS-700001' });
  assert.deepEqual([again.status, again.body.created], [200, false], 'the same link again changes nothing');

  const redriven = await call<{ redriven: { changeId: string; systems: string[] }[] }>('POST', '/v1/identities/redrive', { pivotId });
  assert.equal(redriven.status, 200);
  assert.deepEqual(redriven.body.redriven, [{ changeId: rejected.id, systems: ['social-services'] }]);
  const applied = await stack.waitForStatus(rejected.id, (c) => socialServices(c)?.status === 'applied', 60_000);
  assert.equal(applied.status, 'completed');
  assert.equal((await stack.file('SS-700001')).adresse['libelleVoie'], 'rue du Lien');
  const nothingLeft = await call<{ redriven: unknown[] }>('POST', '/v1/identities/redrive', { pivotId });
  assert.deepEqual(nothingLeft.body.redriven, [], 'a second re-drive finds nothing to send');

  const actions = await stack.database!.db.query<{ action: string }>(
    "SELECT action FROM audit_log WHERE pivot_id = $1 AND action LIKE 'identity.%' ORDER BY id",
    [pivotId],
  );
  assert.deepEqual(
    actions.rows.map((r) => r.action),
    ['identity.linked', 'identity.redriven'],
  );

  // The identifier is this citizen's: linking it to another is a conflict naming the field.
  const other = newPivotId();
  await linkIdentifier(stack.database!.db, other, 'civil-registry', 'EC-70000002');
  const conflict = await call<{ code: string; errors: { field: string }[] }>('POST', '/v1/identities/links', {
    pivotId: other,
    system: 'social-services',
    id: 'SS-700001',
  });
  assert.deepEqual([conflict.status, conflict.body.code, conflict.body.errors[0]?.field], [409, 'crosswalk-conflict', '/id']);
  const undeclared = await call<{ code: string; errors: { field: string }[] }>('POST', '/v1/identities/links', {
    pivotId: other,
    system: 'nowhere',
    id: 'X',
  });
  assert.deepEqual([undeclared.status, undeclared.body.errors?.[0]?.field], [422, '/system'], JSON.stringify(undeclared.body));
});

test('merge re-drives the merged citizen’s changes and keeps them reachable; unlink loses nothing', { timeout: 120_000 }, async () => {
  const into = newPivotId();
  await linkIdentifier(stack.database!.db, into, 'civil-registry', 'EC-70000003');
  await linkIdentifier(stack.database!.db, into, 'social-services', 'SS-700003');
  await stack.openFile('SS-700003');
  // The same person, first known under a pivot id of their own, with no identifier anywhere.
  const from = newPivotId();
  await stack.database!.db.query('INSERT INTO citizens (pivot_id) VALUES ($1)', [from]);
  const early = await rejectedChange(from, 'rue de la Fusion');
  const auditBefore = await auditCount([from, into]);

  const merged = await call<{ pivotId: string; merged: string; redriven: { changeId: string }[] }>('POST', '/v1/identities/merge', {
    from,
    into,
    reason: 'one person, two pivot ids',
  });
  assert.equal(merged.status, 200);
  assert.deepEqual([merged.body.pivotId, merged.body.merged], [into, from]);
  assert.deepEqual(
    merged.body.redriven.map((r) => r.changeId),
    [early.id],
  );
  await stack.waitForStatus(early.id, (c) => socialServices(c)?.status === 'applied', 60_000);
  assert.equal((await stack.file('SS-700003')).adresse['libelleVoie'], 'rue de la Fusion');

  const change = await stack.getChange(early.id);
  assert.equal(change.pivotId, from, 'the change keeps the pivot id it was recorded under');
  const viaFrom = await timelineOf(from);
  assert.deepEqual([viaFrom.status, viaFrom.body.pivotId, viaFrom.body.merged], [200, into, [from]]);
  assert.ok(viaFrom.body.entries.some((e) => e.changeId === early.id && e.status === 'applied'));
  // A change naming the merged pivot id is the citizen's it was merged into.
  const later = await stack.postChange(move(from, 'rue Après'));
  assert.equal(later.body.pivotId, into);
  await stack.waitForStatus(later.body.id, (c) => c.status === 'completed', 60_000);

  const selfMerge = await call<{ errors: { field: string }[] }>('POST', '/v1/identities/merge', { from, into });
  assert.deepEqual(
    [selfMerge.status, selfMerge.body.errors?.[0]?.field],
    [422, '/from'],
    `already one citizen: ${JSON.stringify(selfMerge.body)}`,
  );

  // Unlink through the CLI: the history stays, later changes no longer reach social services.
  const io = captureIo();
  const code = await runCli(
    [
      'identities',
      'unlink',
      'social-services',
      'SS-700003',
      '--reason',
      'file closed by mistake',
      '--url',
      stack.relais.gatewayUrl,
      '--token',
      devToken,
    ],
    io,
  );
  assert.equal(code, 0, io.stderr.join('\n'));
  assert.match(io.stdout.join('\n'), new RegExp(`unlinked social-services SS-700003 from ${into}`));
  const afterUnlink = await timelineOf(into);
  for (const id of [early.id, later.body.id])
    assert.ok(
      afterUnlink.body.entries.some((e) => e.changeId === id && e.status === 'applied'),
      id,
    );
  const next = await rejectedChange(into, 'rue Sans Lien');
  assert.ok(next.id);
  assert.ok((await auditCount([from, into])) > auditBefore, 'every audit entry is still there, with the decisions added');
  const unlinked = await stack.database!.db.query<{ details: { system: string; wasLinkedBy: { method: string } } }>(
    "SELECT details FROM audit_log WHERE action = 'identity.unlinked' AND pivot_id = $1",
    [into],
  );
  assert.deepEqual(
    unlinked.rows.map((r) => [r.details.system, r.details.wasLinkedBy.method]),
    [['social-services', 'declared']],
  );
});
