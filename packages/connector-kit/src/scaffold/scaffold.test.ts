/**
 * The standalone layout and the kit's command, without a broker: what `relais-connector new`
 * writes in a project outside the repository (the same connector anatomy as in the repository,
 * the simulator's server alone, package.json and tsconfig.json), what it refuses, and the
 * template variants. Type-checking and running what it writes, on the packed kit, is
 * pack.integration.test.ts's.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { relaisConnector, type Output } from './cli.ts';
import { isRelaisRepository, scaffoldConnector, selectVariant } from './scaffold.ts';
import { kitVersion, TYPESCRIPT_RANGE } from './standalone.ts';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tempDir(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'relais-scaffold-')));
  dirs.push(dir);
  return dir;
}

const filesUnder = (root: string, folder: string): string[] =>
  readdirSync(join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(join(root, folder).length + 1))
    .sort();

const readJson = (file: string): Record<string, unknown> => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

/** What the command prints, line by line. */
function capture(): { out: string[]; err: string[]; output: Output } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, output: { out: (text) => out.push(text), err: (text) => err.push(text) } };
}

test('variants: @repo and @standalone lines and blocks, several tags on a line, no marker left', () => {
  const text =
    'a\nb // @repo\nc // @standalone\nd <!-- @standalone -->\ne // @source // @standalone\n// @standalone {\nf\n// @standalone }\n';
  assert.equal(selectVariant(text, true), 'a\nb\n');
  assert.equal(selectVariant(text, true, true), 'a\nc\nd\ne\nf\n');
  assert.equal(selectVariant(text, false, true), 'a\nc\nd\nf\n');
});

test('standalone: the connector folder has the anatomy of an in-repo one, the simulator its server alone', () => {
  const inRepo = tempDir();
  mkdirSync(join(inRepo, 'connectors'));
  scaffoldConnector({ name: 'library', root: inRepo });
  const project = tempDir();
  const result = scaffoldConnector({ name: 'library', root: project, standalone: true });

  assert.deepEqual(filesUnder(project, 'connectors/library'), filesUnder(inRepo, 'connectors/library'));
  assert.deepEqual(
    filesUnder(project, 'silos/library'),
    filesUnder(inRepo, 'silos/library').filter(
      (file) => !['settings.ts', 'simulator.ts', 'main.ts', 'main.integration.test.ts'].includes(file),
    ),
  );
  assert.ok(existsSync(join(project, 'flows/library.yaml')));
  assert.deepEqual(result.modified, []);
  assert.ok(result.created.includes('package.json') && result.created.includes('tsconfig.json'));
  assert.deepEqual(readdirSync(project).sort(), ['connectors', 'flows', 'package.json', 'silos', 'tsconfig.json']);
  assert.deepEqual(readJson(join(project, 'package.json')), {
    name: 'library-connector',
    version: '0.1.0',
    private: true,
    description: 'The library connector for Relais.',
    type: 'module',
    scripts: { typecheck: 'tsc -p .', test: 'node --test' },
    dependencies: { '@relais/connector-kit': `^${kitVersion()}` },
    devDependencies: { typescript: TYPESCRIPT_RANGE },
  });
  assert.match(result.nextSteps.join('\n'), /npm install[\s\S]*KAFKA_BROKERS[\s\S]*RELAIS_CONNECTORS/);
});

test("standalone: every import is the kit's, Node's or the project's own; no repository path or verb is left", () => {
  const project = tempDir();
  const { created } = scaffoldConnector({ name: 'library', root: project, standalone: true });
  for (const file of created) {
    const text = readFileSync(join(project, file), 'utf8');
    for (const [, specifier] of text.matchAll(/^import .*from '([^']+)';$/gm))
      assert.match(
        specifier!,
        /^(@relais\/connector-kit(\/testing)?|node:.+|\.\/.+|\.\.\/\.\.\/silos\/library\/server\.ts)$/,
        `${file}: ${specifier}`,
      );
    assert.doesNotMatch(text, /relais connector new|shared\/|core\/|packages\/|@(repo|standalone|source|sink-only)/, file);
  }
});

test('standalone: an existing package.json is completed (npm init placeholders replaced), what it says kept', () => {
  const project = tempDir();
  const npmInit = {
    name: 'readers',
    version: '1.0.0',
    main: 'index.js',
    scripts: { test: 'echo "Error: no test specified" && exit 1', lint: 'eslint .' },
    license: 'ISC',
    type: 'commonjs',
    dependencies: { '@relais/connector-kit': 'file:../relais-connector-kit-0.2.0.tgz' },
  };
  writeFileSync(join(project, 'package.json'), JSON.stringify(npmInit));
  writeFileSync(join(project, 'tsconfig.json'), '{}\n');
  const result = scaffoldConnector({ name: 'library', root: project, standalone: true, source: false });
  assert.deepEqual(result.modified, ['package.json']);
  assert.ok(!result.created.includes('tsconfig.json'));
  assert.equal(readFileSync(join(project, 'tsconfig.json'), 'utf8'), '{}\n');
  assert.deepEqual(readJson(join(project, 'package.json')), {
    ...npmInit,
    type: 'module',
    scripts: { typecheck: 'tsc -p .', test: 'node --test', lint: 'eslint .' },
    devDependencies: { typescript: TYPESCRIPT_RANGE },
  });
  assert.match(result.nextSteps[0] ?? '', /^package\.json said "type": "commonjs", now "module"/);
  assert.ok(!existsSync(join(project, 'connectors/library/source.ts')));
});

test('standalone refusals: a Relais repository, a package.json that is not an object; nothing written', () => {
  const refused = (pattern: RegExp) => (error: Error & { code?: string }) =>
    error.code === 'SCAFFOLD_REFUSED' && pattern.test(error.message);
  assert.ok(isRelaisRepository(repo));
  assert.throws(() => scaffoldConnector({ name: 'library', root: repo, standalone: true }), refused(/is a Relais repository/));
  const project = tempDir();
  writeFileSync(join(project, 'package.json'), '[]');
  assert.throws(() => scaffoldConnector({ name: 'library', root: project, standalone: true }), refused(/is not a package\.json object/));
  assert.deepEqual(readdirSync(project), ['package.json']);
  writeFileSync(join(project, 'package.json'), '{');
  assert.throws(() => scaffoldConnector({ name: 'library', root: project, standalone: true }), refused(/is not valid JSON/));
});

test('relais-connector new: the layout follows the directory; a refusal is one line, a misuse the usage', () => {
  const project = tempDir();
  const done = capture();
  assert.equal(relaisConnector(['new', 'library', '--root', project, '--json'], done.output), 0);
  const result = JSON.parse(done.out.join('\n')) as { created: string[]; nextSteps: string[] };
  assert.ok(result.created.includes('package.json') && result.created.includes('connectors/library/source.ts'));

  const again = capture();
  assert.equal(relaisConnector(['new', 'library', '--root', project, '--no-source'], again.output), 1);
  assert.deepEqual(again.err, ['relais-connector: connector name "library" is taken: connectors/library exists']);

  // In a Relais repository it is the repository's layout: a name taken there is refused there.
  const inRepo = capture();
  assert.equal(relaisConnector(['new', 'social-services', '--root', repo], inRepo.output), 1);
  assert.deepEqual(inRepo.err, ['relais-connector: connector name "social-services" is taken: connectors/social-services exists']);

  for (const args of [[], ['new'], ['old', 'library'], ['new', 'library', 'extra'], ['new', 'library', '--bogus']]) {
    const misuse = capture();
    assert.equal(relaisConnector(args, misuse.output), 2, args.join(' '));
    assert.match(misuse.err.join('\n'), /usage: relais-connector new <name>/);
  }
  const version = capture();
  assert.equal(relaisConnector(['--version'], version.output), 0);
  assert.deepEqual(version.out, [kitVersion()]);
});

test('the TypeScript range the standalone project asks for is the one the repository builds the kit with', () => {
  const root = readJson(join(repo, 'package.json')) as { devDependencies: Record<string, string> };
  assert.equal(TYPESCRIPT_RANGE, `^${root.devDependencies['typescript']}.0`);
});
