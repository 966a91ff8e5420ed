/**
 * `relais rights validate` and `relais rights show`, driven in-process with captured output: the
 * shipped rights file passes and shows each client and role; a bad one fails with
 * `file:line: where: reason` and exit 1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureIo } from './capture.ts';
import { runCli } from './program.ts';

async function relais(args: string[]): Promise<{ code: number; stderr: string[]; stdout: string }> {
  const io = captureIo();
  const code = await runCli(args, io);
  return { code, stderr: io.stderr, stdout: io.stdout.join('\n') };
}

test('the shipped rights file is valid, and show lists what each client and role may do', async () => {
  const valid = await relais(['rights', 'validate']);
  assert.equal(valid.code, 0, valid.stderr.join('\n'));
  assert.match(valid.stdout, /^rights valid: \d+ client\(s\), \d+ role\(s\); everything else is refused$/);
  const shown = await relais(['rights', 'show']);
  assert.equal(shown.code, 0);
  assert.match(shown.stdout, /^client waste-desk \(speaks for waste-management\) {2}flows\/rights\.yaml:\d+$/m);
  assert.match(shown.stdout, /requires act-confirmed-by-register$/m);
  assert.match(shown.stdout, /deny by default/);
  const json = JSON.parse((await relais(['rights', 'show', '--json'])).stdout) as { roles: Record<string, { read?: string[] }> };
  assert.deepEqual(json.roles['operator']?.read, ['dead-letters', 'systems', 'kpis']);
});

test('a bad rights file fails with file, line and reason', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'relais-rights-')), 'rights.yaml');
  writeFileSync(file, 'clients:\n  desk:\n    system: archives\n    read: [timelines]\n');
  const { code, stderr } = await relais(['rights', 'validate', file]);
  assert.equal(code, 1);
  assert.deepEqual(stderr, [
    `${file}:4: clients.desk.read[0]: must be one of "own-changes", "changes", "dead-letters", "systems", "kpis", "identity-reviews", "crosswalk", "family-contacts", "interactions", "service-requests"`,
  ]);
  writeFileSync(file, 'clients:\n  desk:\n    system: archives\n');
  assert.deepEqual((await relais(['rights', 'validate', file])).stderr, [
    `${file}:3: clients.desk.system: system "archives" is not declared in the flows`,
  ]);
});
