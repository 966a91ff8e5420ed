/**
 * Removing a silo is deleting it: in a copy of the repository (its tracked files, node_modules
 * linked), delete school-catering's connector and simulator folders, its flow file and its one
 * registry line — nothing else — and the tree still typechecks (tsc), lints (eslint, the
 * architecture's boundaries included) and validates its flows (`relais flows validate`, through
 * the connector loader). What would break instead is a file outside those that names the silo.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Capture from '../bin/cli/capture.ts';
import type * as Program from '../bin/cli/program.ts';
import type * as Loader from '../connectors/loader.ts';

const repo = fileURLToPath(new URL('..', import.meta.url));
const SILO = 'school-catering';
const REGISTRY_LINE = `'./${SILO}/index.ts',`;
let copy: string;

/** The files git knows (tracked, or new and not ignored) that exist in the working tree. */
function repositoryFiles(): string[] {
  return execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repo, encoding: 'utf8' })
    .split('\0')
    .filter((file) => file !== '' && existsSync(join(repo, file)));
}

/**
 * node_modules as links to the repository's packages, except the kit: the workspace package
 * must resolve to the copy's own packages/connector-kit, as it does in a clone.
 */
function linkNodeModules(): void {
  const modules = join(copy, 'node_modules');
  mkdirSync(join(modules, '@relais'), { recursive: true });
  for (const entry of readdirSync(join(repo, 'node_modules'))) {
    if (entry !== '@relais') symlinkSync(join(repo, 'node_modules', entry), join(modules, entry));
  }
  symlinkSync('../../packages/connector-kit', join(modules, '@relais', 'connector-kit'));
}

/** Runs a tool in the copy; resolves with its exit code and output. */
function run(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: copy, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

before(() => {
  copy = mkdtempSync(join(tmpdir(), 'relais-remove-silo-'));
  for (const file of repositoryFiles()) cpSync(join(repo, file), join(copy, file));
  linkNodeModules();

  for (const folder of [`connectors/${SILO}`, `silos/${SILO}`]) rmSync(join(copy, folder), { recursive: true });
  rmSync(join(copy, `flows/${SILO}.yaml`));
  const registry = join(copy, 'connectors/registry.ts');
  const lines = readFileSync(registry, 'utf8').split('\n');
  assert.equal(lines.filter((line) => line.trim() === REGISTRY_LINE).length, 1, 'the registry has one line for the silo');
  writeFileSync(registry, lines.filter((line) => line.trim() !== REGISTRY_LINE).join('\n'));
});

after(() => rmSync(copy, { recursive: true, force: true }));

test(`without ${SILO}'s folders, flow file and registry line, the tree typechecks and lints`, async () => {
  const [tsc, eslint] = await Promise.all([
    run([join(repo, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', '.']),
    run([join(repo, 'node_modules/eslint/bin/eslint.js'), '--max-warnings=0', '.']),
  ]);
  assert.equal(tsc.code, 0, `tsc:\n${tsc.output}`);
  assert.equal(eslint.code, 0, `eslint:\n${eslint.output}`);
});

test(`without ${SILO}, the connector loader and \`relais flows validate\` accept the flows`, async () => {
  // The copy's own modules: its registry, its loader, its CLI.
  const module = <T>(path: string): Promise<T> => import(pathToFileURL(join(copy, path)).href) as Promise<T>;
  const { loadConnectors } = await module<typeof Loader>('connectors/loader.ts');
  const kinds = (await loadConnectors({})).kinds().sort();
  assert.deepEqual(kinds, ['civil-registry', 'email', 'social-services', 'tax', 'waste-management']);

  const { runCli } = await module<typeof Program>('bin/cli/program.ts');
  const { captureIo } = await module<typeof Capture>('bin/cli/capture.ts');
  const io = captureIo({});
  const code = await runCli(['flows', 'validate', join(copy, 'flows'), '--json'], io);
  assert.equal(code, 0, io.stderr.join('\n'));
  const result = JSON.parse(io.stdout.join('\n')) as { valid: boolean; files: string[]; systems: number };
  assert.equal(result.valid, true);
  assert.ok(result.files.length >= 5 && !result.files.some((file) => file.includes(SILO)), result.files.join(', '));
});
