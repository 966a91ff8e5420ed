/**
 * The packed kit, as an integrator gets it: `npm pack` of the build, installed with `npm install`
 * in an empty project outside this repository (`npm init -y`; the kit's dependencies come from
 * the npm registry), a connector scaffolded there by the kit's own command
 * (`npx relais-connector new library`: a standalone project importing only
 * `@relais/connector-kit` and `@relais/connector-kit/testing`), type-checked against the
 * package's declarations, and its tests — the sink and source conformance suites included — run
 * there with `node --test` against the real broker and PostgreSQL (KAFKA_BROKERS,
 * TEST_DATABASE_URL from `npm test`). Node's permission model keeps that run from reading
 * anything of this repository.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packKit } from './pack.ts';
import type { ScaffoldResult } from './src/scaffold/scaffold.ts';

const repository = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SYSTEM = 'library';

interface Outcome {
  code: number;
  output: string;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env, timeoutMs = 300_000): Promise<Outcome> {
  return new Promise((resolvePromise) => {
    execFile(command, args, { cwd, env, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolvePromise({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** Builds and packs the kit into `workDir`; resolves to the tarball. */
export function packKitInto(workDir: string): Promise<string> {
  return packKit(join(workDir, 'build'), workDir);
}

/** A new project in `project` with the tarball installed: `npm init -y`, then `npm install <tarball>`. */
export async function installKit(project: string, tarball: string): Promise<void> {
  mkdirSync(project, { recursive: true });
  const init = await run('npm', ['init', '-y'], project);
  assert.equal(init.code, 0, `npm init:\n${init.output}`);
  const { code, output } = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], project);
  assert.equal(code, 0, `npm install ${tarball}:\n${output}`);
}

/** The kit's own command, as an integrator runs it in their project: `npx relais-connector new <name>`. */
export async function scaffoldWithKit(project: string, name = SYSTEM): Promise<ScaffoldResult> {
  // The command's `#!/usr/bin/env node` finds this test's Node first (the machine's own may be older).
  const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env['PATH'] ?? ''}` };
  const { code, output } = await run('npx', ['--no-install', 'relais-connector', 'new', name, '--json'], project, env);
  assert.equal(code, 0, `npx relais-connector new ${name}:\n${output}`);
  return JSON.parse(output) as ScaffoldResult;
}

/**
 * Runs the scaffolded sink by hand, as the Relais host would: type-checked with the rest, it
 * proves that `/runtime` exports what the runtime's options name.
 */
const runtimeUsage = `import { createLogger } from '@relais/connector-kit';
import {
  generateSigningKeyPem,
  signingKeyFromPem,
  startSinkRuntime,
  topicNames,
  type Bus,
  type Db,
  type RunningSink,
} from '@relais/connector-kit/runtime';
import { LibraryClient } from './client.ts';
import { createLibrarySink } from './sink.ts';

export async function runLibrarySink(bus: Bus, db: Db, baseUrl: string): Promise<RunningSink> {
  const running = await startSinkRuntime({
    system: '${SYSTEM}',
    sink: createLibrarySink(new LibraryClient({ baseUrl })),
    bus,
    db,
    topics: topicNames('relais'),
    groupId: 'relais-connector-${SYSTEM}',
    retry: { maxAttempts: 5, baseMs: 200, maxMs: 5000 },
    timeoutMs: 10_000,
    logger: createLogger({ component: 'connector-${SYSTEM}' }),
    receiptKey: signingKeyFromPem(generateSigningKeyPem(), '${SYSTEM}'),
  });
  await running.ready;
  return running;
}
`;

/** Adds the runtime's usage beside the scaffolded connector, for the type-check. */
export function writeRuntimeUsage(project: string): void {
  writeFileSync(join(project, 'connectors', SYSTEM, 'run.ts'), runtimeUsage);
}

/** tsc (this repository's compiler, the project's own declarations) on the connector. */
export function typecheckConnector(project: string): Promise<Outcome> {
  return run(process.execPath, [join(repository, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], project);
}

/**
 * The connector's tests (`tests`, relative to the project), run from the project with `node
 * --test`. Node's permission model lets them read the project and nothing else of the file
 * system: a module of the package reaching back into this repository would fail to load.
 */
export function runConnectorTests(project: string, tests: string[]): Promise<Outcome> {
  const env = {
    PATH: process.env['PATH'] ?? '',
    KAFKA_BROKERS: process.env['KAFKA_BROKERS'],
    TEST_DATABASE_URL: process.env['TEST_DATABASE_URL'],
    // The test broker is secured: its CA and the password file are the only other files read.
    RELAIS_KAFKA_SECURITY: process.env['RELAIS_KAFKA_SECURITY'],
    RELAIS_KAFKA_CA_FILE: process.env['RELAIS_KAFKA_CA_FILE'],
    RELAIS_KAFKA_USERNAME: process.env['RELAIS_KAFKA_USERNAME'],
    RELAIS_KAFKA_PASSWORD_FILE: process.env['RELAIS_KAFKA_PASSWORD_FILE'],
  };
  const secretFiles = [process.env['RELAIS_KAFKA_CA_FILE'], process.env['RELAIS_KAFKA_PASSWORD_FILE']].filter((f) => f !== undefined);
  const permissions = ['--permission', `--allow-fs-read=${project}`, ...secretFiles.map((f) => `--allow-fs-read=${f}`)];
  // Node 26's permission model covers the network too; Node 24's has no such flag.
  if (process.allowedNodeEnvironmentFlags.has('--allow-net')) permissions.push('--allow-net');
  return run(process.execPath, [...permissions, '--test', '--test-isolation=none', '--test-reporter=spec', ...tests], project, env);
}

/** Every file of the installed package: none is a link, and none names this repository. */
function assertSelfContained(project: string): void {
  const installed = join(project, 'node_modules/@relais/connector-kit');
  assert.ok(!lstatSync(installed).isSymbolicLink(), 'the kit is installed, not linked');
  assert.ok(realpathSync(installed).startsWith(realpathSync(project)));
  for (const entry of readdirSync(installed, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    assert.ok(!readFileSync(file, 'utf8').includes(repository), `${file} names ${repository}`);
    assert.ok(!file.endsWith('.ts') || file.endsWith('.d.ts'), `${file}: TypeScript shipped instead of JavaScript`);
  }
}

test(
  'the packed kit installs outside the repository, scaffolds a connector there, and the connector passes the conformance suites',
  { skip: !process.env['KAFKA_BROKERS'] && 'needs the broker npm test starts', timeout: 600_000 },
  async () => {
    const workDir = realpathSync(mkdtempSync(join(tmpdir(), 'relais-kit-')));
    try {
      const tarball = await packKitInto(workDir);
      const project = join(workDir, 'library-connector');
      await installKit(project, tarball);
      assertSelfContained(project);

      const scaffolded = await scaffoldWithKit(project);
      // The anatomy itself is scaffold.test.ts's; here, that the kit's command wrote a standalone project.
      for (const file of [
        `connectors/${SYSTEM}/index.ts`,
        `connectors/${SYSTEM}/conformance.integration.test.ts`,
        `silos/${SYSTEM}/server.ts`,
        'tsconfig.json',
      ])
        assert.ok(scaffolded.created.includes(file), file);
      assert.deepEqual(scaffolded.modified, ['package.json']);
      const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as Record<string, Record<string, string> | string>;
      assert.equal(manifest['type'], 'module', 'npm init made it commonjs; the scaffolder says so and makes it a module');
      assert.deepEqual(manifest['scripts'], { typecheck: 'tsc -p .', test: 'node --test' });
      writeRuntimeUsage(project);

      const typecheck = await typecheckConnector(project);
      assert.equal(typecheck.code, 0, `tsc:\n${typecheck.output}`);

      const tests = scaffolded.created.filter((file) => file.endsWith('.test.ts'));
      const { code, output } = await runConnectorTests(project, tests);
      assert.equal(code, 0, output);
      assert.match(output, new RegExp(`${SYSTEM}: sink conformance`));
      assert.match(output, new RegExp(`${SYSTEM}: source conformance`));
      assert.match(output, /ℹ fail 0/);
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  },
);
