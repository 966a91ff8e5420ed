/**
 * The `relais` program itself: it runs as the package's bin (shebang through tsx on the
 * project's Node), usage errors and failures are one line on stderr with a non-zero exit and no
 * stack trace, and `connector <system>` coexists with subcommands such as `connector new`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@relais/connector-kit/testing';
import { captureIo } from './capture.ts';
import { runCli } from './program.ts';

const run = promisify(execFile);

test("bin/relais.ts runs as an executable (shebang, tsx, the project's Node) and prints the routing table", async () => {
  // What `npx relais` does: the package's bin with node_modules/.bin first on the PATH.
  const env = { ...process.env, PATH: `${resolve('node_modules/.bin')}${delimiter}${process.env['PATH'] ?? ''}` };
  const { stdout } = await run(resolve('bin/relais.ts'), ['flows', 'routes', '--json'], { env });
  const rows = JSON.parse(stdout) as { event: string; system: string }[];
  assert.ok(rows.some((r) => r.event === 'fr.relais.citizen.death.registered.v1' && r.system === 'social-services'));
});

test("an unknown command or option: exit 2, commander's one line and a hint, no stack trace", async () => {
  const io = captureIo();
  assert.equal(await runCli(['frobnicate'], io), 2);
  assert.deepEqual(io.stderr, ["error: unknown command 'frobnicate'", '(relais --help lists the commands)']);

  const option = captureIo();
  assert.equal(await runCli(['flows', 'routes', '--jsno'], option), 2);
  assert.match(option.stderr[0]!, /^error: unknown option '--jsno'/);
});

test('no command prints the help on stderr and exits 2', async () => {
  const io = captureIo();
  assert.equal(await runCli([], io), 2);
  assert.match(io.stderr.join('\n'), /Usage: relais/);
});

test('a gateway that cannot be reached is one line naming the action and the URL', async () => {
  const port = await freePort('127.0.0.1');
  const io = captureIo({ RELAIS_GATEWAY_URL: `http://127.0.0.1:${port}`, RELAIS_TOKEN: 't' });
  assert.equal(await runCli(['systems'], io), 1);
  assert.deepEqual(io.stderr, [`relais: reading the systems: cannot reach the gateway at http://127.0.0.1:${port} (ECONNREFUSED)`]);
});

test('no credential anywhere: one line saying where to put one', async () => {
  const io = captureIo({ RELAIS_DATA_DIR: '/nonexistent' });
  assert.equal(await runCli(['changes', 'status', '00000000-0000-4000-8000-000000000000'], io), 2);
  assert.deepEqual(io.stderr, ['relais: no credential: set RELAIS_TOKEN or pass --token (the quick start prints a dev credential)']);
});

test('dlq replay needs exactly one of --event and --all', async () => {
  for (const args of [
    ['dlq', 'replay', 'tax'],
    ['dlq', 'replay', 'tax', '--all', '--event', 'x'],
  ]) {
    const io = captureIo({ RELAIS_TOKEN: 't' });
    assert.equal(await runCli(args, io), 2);
    assert.deepEqual(io.stderr, ['relais: give --event <id> or --all (not both)']);
  }
});

test('`connector new <name>` scaffolds; `connector <system>` still runs a connector; a refused name is one line', async () => {
  // A minimal Relais root: the scaffolder needs core/config.ts (it adds the settings) and connectors/.
  const root = mkdtempSync(join(tmpdir(), 'relais-new-'));
  try {
    mkdirSync(join(root, 'core'), { recursive: true });
    mkdirSync(join(root, 'connectors'));
    mkdirSync(join(root, 'flows'));
    copyFileSync('core/config.ts', join(root, 'core/config.ts'));
    const io = captureIo();
    assert.equal(await runCli(['connector', 'new', 'school-meals', '--root', root, '--json'], io), 0);
    const result = JSON.parse(io.stdout.join('\n')) as { created: string[]; modified: string[]; nextSteps: string[] };
    for (const file of [
      'connectors/school-meals/index.ts',
      'connectors/school-meals/conformance.integration.test.ts',
      'silos/school-meals/main.ts',
      'flows/school-meals.yaml',
    ]) {
      assert.ok(result.created.includes(file), `${file} created`);
      assert.ok(existsSync(join(root, file)));
    }
    assert.deepEqual(result.modified, ['core/config.ts']);
    assert.match(result.nextSteps.join('\n'), /registry/);

    const again = captureIo();
    assert.equal(await runCli(['connector', 'new', 'school-meals', '--root', root], again), 1);
    assert.equal(again.stderr.length, 1);
    assert.match(again.stderr[0] ?? '', /^relais: .*school-meals/);

    const bad = captureIo();
    assert.equal(await runCli(['connector', 'new', 'School_Meals', '--root', root], bad), 1);
    assert.equal(bad.stderr.length, 1);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }

  const bare = captureIo();
  assert.equal(await runCli(['connector'], bare), 2);
  assert.deepEqual(bare.stderr, ['relais: usage: relais connector <system>']);
});

test('kafka status of a broker that does not run exits 3; schemas check passes', async () => {
  const io = captureIo();
  assert.equal(await runCli(['kafka', 'status', '--port', '1', '--json'], io), 3);
  assert.equal((JSON.parse(io.stdout.join('\n')) as { running: boolean }).running, false);
  const schemas = captureIo();
  assert.equal(await runCli(['schemas', 'check'], schemas), 0);
  assert.match(schemas.stdout.join('\n'), /schema check passed/);
});
