/**
 * The relais CLI against a running Relais (real Kafka, PostgreSQL, the social-services simulator):
 * `changes send` and `changes status --wait`, `systems`, and the DLQ acceptance — the silo fails
 * persistently, the change is dead-lettered; the fault is cleared, `relais dlq replay` re-drives
 * it, the change's status becomes `applied`, and the replay is in the audit log.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureIo } from '../bin/cli/capture.ts';
import { runCli } from '../bin/cli/program.ts';
import { sha256Hex } from '../gateway/auth.ts';
import { addressChange, devToken, settledAll, startStack, type ChangeView, type Stack } from './support/stack.ts';

const readerToken = 'cli-test-reader-token';

function tokensFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'relais-cli-tokens-')), 'tokens.yaml');
  writeFileSync(
    file,
    `credentials:\n  - name: ops-reader\n    tokenSha256: ${sha256Hex(readerToken)}\n    scopes: [systems:read, changes:read]\n`,
  );
  return file;
}

describe('the relais CLI against a running Relais', () => {
  let stack: Stack;
  let env: Record<string, string>;
  before(async () => {
    stack = await startStack({ store: 'postgres', env: { RELAIS_TOKENS_FILE: tokensFile() } });
    env = { RELAIS_GATEWAY_URL: stack.relais.gatewayUrl, RELAIS_TOKEN: devToken };
  });
  after(() => stack.stop());

  async function relais(
    args: string[],
    extraEnv: Record<string, string> = {},
  ): Promise<{ code: number; stdout: string; stderr: string[] }> {
    const io = captureIo({ ...env, ...extraEnv });
    const code = await runCli(args, io);
    return { code, stdout: io.stdout.join('\n'), stderr: io.stderr };
  }

  test('changes send posts a change and prints its id and recipients; changes status --wait follows it to applied', async () => {
    await stack.openFile('SS-310001');
    await stack.link('social-services', 'SS-310001');
    const file = join(mkdtempSync(join(tmpdir(), 'relais-cli-change-')), 'change.json');
    writeFileSync(file, JSON.stringify(addressChange('SS-310001', 'rue du Terminal')));
    const sent = await relais(['changes', 'send', '--file', file]);
    assert.equal(sent.code, 0, sent.stderr.join('\n'));
    const id = /^change ([0-9a-f-]{36}): in_progress$/m.exec(sent.stdout)?.[1];
    assert.ok(id, sent.stdout);
    assert.match(sent.stdout, /^ {2}social-services: pending$/m);

    const waited = await relais(['changes', 'status', id, '--wait', '--timeout', '30', '--json']);
    assert.equal(waited.code, 0, waited.stderr.join('\n'));
    const change = JSON.parse(waited.stdout) as ChangeView;
    assert.deepEqual([change.status, change.recipients.map((r) => r.status)], ['completed', ['applied']]);
    assert.equal((await stack.file('SS-310001')).adresse['libelleVoie'], 'rue du Terminal');
  });

  test('changes send from flags; a refused change is one line with the problem and its fields', async () => {
    await stack.openFile('SS-310002');
    await stack.link('social-services', 'SS-310002');
    const data = JSON.stringify({
      address: { streetName: 'rue X', postcode: '69003', communeName: 'Lyon', country: 'FR' },
      effectiveDate: '2026-11-01',
    });
    const sendAddress = (...rest: string[]) =>
      relais(['changes', 'send', '--type', 'fr.relais.citizen.address.changed.v1', '--citizen', 'social-services:SS-310002', ...rest]);
    const sent = await sendAddress('--channel', 'web', '--data', data, '--json');
    assert.equal(sent.code, 0, sent.stderr.join('\n'));
    const posted = JSON.parse(sent.stdout) as ChangeView;
    assert.equal(posted.recipients[0]?.system, 'social-services');
    // Applied before a later test breaks social-services on purpose (on a slow machine it was
    // still on its way, was dead-lettered there, and that test's `dlq replay --all` found it).
    const applied = await stack.waitForStatus(posted.id, settledAll);
    assert.deepEqual(
      applied.recipients.map((r) => r.status),
      ['applied'],
    );

    const refused = await sendAddress('--data', '{"effectiveDate":"soon"}');
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr.length, 1);
    assert.match(refused.stderr[0]!, /^relais: posting the change: 422 validation-failed: .*\/data/);
  });

  test('systems lists the connected systems (text and --json)', async () => {
    const text = await relais(['systems']);
    assert.equal(text.code, 0, text.stderr.join('\n'));
    assert.match(text.stdout, /^social-services \(social-services\): 2 subscription\(s\), applied \d+/m);
    const json = await relais(['systems', '--json']);
    assert.deepEqual(
      (JSON.parse(json.stdout) as { systems: { name: string }[] }).systems.map((s) => s.name),
      ['social-services'],
    );
  });

  test('dlq replay re-drives a dead letter once the silo is fixed: the change becomes applied, and the replay is audited', async (t) => {
    await stack.openFile('SS-310003');
    await stack.setFault({ mode: 'erreur', statut: 503 });
    let id: string;
    try {
      const posted = await stack.postChange(addressChange('SS-310003', 'rue de la Reprise'));
      id = posted.body.id;
      const dead = await stack.waitForStatus(id, settledAll);
      assert.equal(dead.recipients[0]!.status, 'dead_lettered');
    } finally {
      await stack.setFault(null);
    }

    const listStarted = Date.now();
    const listed = await relais(['dlq', 'list', 'social-services', '--json']);
    t.diagnostic(`dlq list (reading the DLQ topic with a throwaway group): ${Date.now() - listStarted} ms`);
    assert.equal(listed.code, 0, listed.stderr.join('\n'));
    const letters = (
      JSON.parse(listed.stdout) as {
        deadLetters: { eventId: string; status: string; code: string; attempts: number; replayedAt: string | null }[];
      }
    ).deadLetters;
    const letter = letters.find((d) => d.eventId === id);
    // Past the stack's patience (1.5 s): at least the configured 3 attempts, then probes.
    assert.deepEqual(
      [letter?.status, letter?.code, (letter?.attempts ?? 0) >= 3, letter?.replayedAt],
      ['dead_lettered', 'SILO_UNAVAILABLE', true, null],
    );

    // A credential without dead-letters:write (or admin) may list but not replay.
    const forbidden = await relais(['dlq', 'replay', 'social-services', '--event', id], { RELAIS_TOKEN: readerToken });
    assert.equal(forbidden.code, 1);
    assert.deepEqual(forbidden.stderr, [
      "relais: replaying social-services's dead letters: 403 forbidden: this operation needs the scope dead-letters:write",
    ]);

    const replayStarted = Date.now();
    const replayed = await relais(['dlq', 'replay', 'social-services', '--event', id]);
    assert.equal(replayed.code, 0, replayed.stderr.join('\n'));
    assert.match(replayed.stdout, new RegExp(`^replayed ${id}$`, 'm'));

    const applied = await stack.waitForStatus(id, (c) => c.recipients[0]!.status === 'applied');
    assert.equal(applied.status, 'completed');
    t.diagnostic(`dlq replay to status applied: ${Date.now() - replayStarted} ms`);
    assert.equal((await stack.file('SS-310003')).adresse['libelleVoie'], 'rue de la Reprise');

    const audit = await stack.database!.db.query<{
      actor: string;
      change_id: string;
      details: { system: string; eventId: string; code: string };
    }>("SELECT actor, change_id, details FROM audit_log WHERE action = 'dlq.replayed'");
    assert.deepEqual(
      audit.rows.map((r) => [r.actor, r.change_id, r.details.system, r.details.eventId, r.details.code]),
      [['dev', id, 'social-services', id, 'SILO_UNAVAILABLE']],
    );

    // Listed again: applied since, with the replay's time; --all has nothing left to re-drive.
    const after = await relais(['dlq', 'list', 'social-services']);
    assert.match(after.stdout, new RegExp(`^${id}  applied, replayed \\S+  fr\\.relais\\.citizen\\.address\\.changed\\.v1`, 'm'));
    const again = await relais(['dlq', 'replay', 'social-services', '--all', '--json']);
    assert.equal(again.code, 0, again.stderr.join('\n'));
    assert.deepEqual((JSON.parse(again.stdout) as { replayed: string[] }).replayed, []);
    const twice = await relais(['dlq', 'replay', 'social-services', '--event', id]);
    assert.equal(twice.code, 1);
    assert.deepEqual(twice.stderr, [`skipped ${id}: already applied since`]);
  });

  test('dlq list of a system the flows do not declare: 404 in one line', async () => {
    const unknown = await relais(['dlq', 'list', 'archives']);
    assert.equal(unknown.code, 1);
    assert.deepEqual(unknown.stderr, [
      `relais: listing archives's dead letters: 404 not-found: no system "archives" is declared in the flows`,
    ]);
  });
});
