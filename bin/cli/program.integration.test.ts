/**
 * The `relais` program itself: it runs as the package's bin (the bin/relais.js launcher, linked
 * by npm as node_modules/.bin/relais) and as `node bin/relais.ts`, with no compiler; `--help` and
 * `--version` load no verb; usage errors and failures are one line on stderr with a non-zero exit
 * and no stack trace, and `connector <system>` coexists with subcommands such as `connector new`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '@relais/connector-kit/testing';
import { captureIo } from './capture.ts';
import { runCli } from './program.ts';

const run = promisify(execFile);
const bin = resolve('node_modules/.bin');
const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
/** The machine's own PATH, as a plain shell has it: without node_modules/.bin (whose node is the pinned one). */
const shellPath = (process.env['PATH'] ?? '')
  .split(delimiter)
  .filter((dir) => !dir.endsWith(`${join('node_modules', '.bin')}`))
  .join(delimiter);

test("the bin npm links (node_modules/.bin/relais) runs on the project's Node and prints the routing table", async () => {
  // What `npx relais` runs: the link with node_modules/.bin first on the PATH.
  const env = { ...process.env, PATH: `${bin}${delimiter}${process.env['PATH'] ?? ''}` };
  const { stdout } = await run(join(bin, 'relais'), ['flows', 'routes', '--json'], { env });
  const rows = JSON.parse(stdout) as { event: string; system: string }[];
  assert.ok(rows.some((r) => r.event === 'fr.relais.citizen.death.registered.v1' && r.system === 'social-services'));
});

test('./bin/relais.js runs from a plain shell, whatever Node the machine has; `node bin/relais.ts` too', async () => {
  const { stdout, stderr } = await run(resolve('bin/relais.js'), ['--version'], { env: { ...process.env, PATH: shellPath } });
  assert.equal(stdout.trim(), version);
  assert.equal(stderr, '');
  const direct = await run(process.execPath, ['bin/relais.ts', '--version']);
  assert.equal(direct.stdout.trim(), version);
});

test("`npx relais` runs the linked bin: no engine warning from the machine's npm", async () => {
  const { stdout, stderr } = await run('npx', ['relais', '--version'], { env: { ...process.env, PATH: shellPath } });
  assert.equal(stdout.trim(), version);
  assert.doesNotMatch(stderr, /EBADENGINE|npm warn/);
});

test('`relais --help` and `--version` import no verb: only commander and the program', async () => {
  // Records every module Node loads; printed on stderr at exit.
  const recorder = [
    "import { registerHooks } from 'node:module';",
    'const loaded = [];',
    'registerHooks({ load: (url, context, next) => (loaded.push(url), next(url, context)) });',
    "process.on('exit', () => process.stderr.write(JSON.stringify(loaded)));",
  ].join('\n');
  const root = resolve('.');
  for (const flag of ['--help', '--version']) {
    const { stdout, stderr } = await run(process.execPath, [
      '--import',
      `data:text/javascript,${encodeURIComponent(recorder)}`,
      'bin/relais.ts',
      flag,
    ]);
    assert.match(stdout, flag === '--help' ? /gateway .*\n[^]*dlq / : new RegExp(`^${version}`));
    const loaded = (JSON.parse(stderr) as string[]).filter((url) => url.startsWith('file:')).map((url) => fileURLToPath(url));
    const own = loaded.filter((file) => !file.includes('/node_modules/')).map((file) => file.slice(root.length + 1));
    assert.deepEqual(
      own.sort(),
      ['bin/cli/io.ts', 'bin/cli/program.ts', 'bin/relais.ts', 'core/errors.ts'],
      `${flag} loads only the program`,
    );
    assert.ok(loaded.length < 30, `${flag} loads ${loaded.length} modules`);
  }
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

test('dlq list takes --source or --delivery, not both', async () => {
  const io = captureIo({ RELAIS_TOKEN: 't' });
  assert.equal(await runCli(['dlq', 'list', 'tax', '--source', '--delivery'], io), 2);
  assert.deepEqual(io.stderr, ['relais: give --source or --delivery (not both)']);
});

test('`connector new <name>` scaffolds; `connector <system>` still runs a connector; a refused name is one line', async () => {
  // A minimal Relais root: the scaffolder needs connectors/, and edits no file there.
  const root = mkdtempSync(join(tmpdir(), 'relais-new-'));
  try {
    mkdirSync(join(root, 'connectors'));
    mkdirSync(join(root, 'flows'));
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
    assert.deepEqual(result.modified, []);
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
