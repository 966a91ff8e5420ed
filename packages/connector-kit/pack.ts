/**
 * `npm run kit:pack`: the kit as a tarball an integrator installs outside this repository.
 *
 * In the repository the kit is a workspace package whose `exports` point at TypeScript sources
 * that import the kernel (core/) and the event catalogue (schemas/) by relative paths. The
 * tarball carries instead:
 * - JavaScript and `.d.ts` built by tsc (tsconfig.build.json) from the kit's entry points and
 *   every module they import, at their repository paths (packages/connector-kit/src/…, core/…,
 *   schemas/…), so the relative imports between them hold as they are;
 * - the files that code reads next to itself at run time (`assets` below);
 * - a package.json whose `exports` name the JavaScript and its types, whose `bin` is the built
 *   `relais-connector` command (src/scaffold/cli.ts), and whose `dependencies` are the packages
 *   the emitted code imports, at the versions the root package.json declares;
 * - the kit's README.md and CHANGELOG.md.
 * Nothing here is committed: dist/ and the tarball are git-ignored.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const kitDir = dirname(fileURLToPath(import.meta.url));
const root = resolve(kitDir, '../..');
/** Where the kit's sources sit in the repository, hence in the tarball. */
const kitPath = relative(root, kitDir);

/**
 * Files the emitted code reads relative to its own location (`import.meta.url`): the event
 * schemas and their examples (schemas/index.ts), the delivery and receipt envelopes
 * (core/envelopes.ts), the flow schema (core/flows/flows.ts), the store's migrations
 * (core/store/migrate.ts) and the scaffold templates (src/scaffold/scaffold.ts).
 */
const assets = [
  'schemas/defs',
  'schemas/events',
  'schemas/envelopes',
  'schemas/examples',
  'core/flows/flow.schema.json',
  'core/store/migrations',
  `${kitPath}/src/scaffold/template`,
];

interface Manifest {
  name: string;
  version: string;
  description?: string;
  license?: string;
  engines?: Record<string, string>;
  exports: Record<string, string>;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const readManifest = (file: string): Manifest => JSON.parse(readFileSync(file, 'utf8')) as Manifest;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** tsc's output keeps the sources' `./x.ts` specifiers in declarations: consumers resolve `./x.js`. */
function rewriteDeclarationSpecifiers(outDir: string): void {
  for (const file of filesUnder(outDir).filter((f) => f.endsWith('.d.ts'))) {
    const text = readFileSync(file, 'utf8');
    const rewritten = text.replace(/((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]+)\.ts(['"])/g, '$1$2.js$3');
    if (rewritten !== text) writeFileSync(file, rewritten);
  }
}

/** Builds the kit into `outDir`: JavaScript, declarations and the assets the JavaScript reads. */
export async function buildKit(outDir: string): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  await run(process.execPath, [tsc, '-p', join(kitDir, 'tsconfig.build.json'), '--outDir', outDir], { cwd: root });
  rewriteDeclarationSpecifiers(outDir);
  for (const asset of assets) {
    cpSync(join(root, asset), join(outDir, asset), { recursive: true, filter: (source) => !source.endsWith('.test.ts') });
  }
}

// `from 'x'`, `import('x')`, `import 'x'` — a specifier, not the word in a string or a comment's
// quotation (`'import'` as a value, `from "this delivery fails"` in prose): the specifier is one
// token, no space or newline in it.
const bareSpecifier = /(?:\bfrom\s*|(?<![\w'"`])import\s*\(\s*|(?<![\w'"`])import\s+)['"]([^'"./\s][^'"\s]*)['"]/g;

/** The packages `files` import (not Node's own modules), by name. */
function importedPackages(files: string[]): Set<string> {
  const packages = new Set<string>();
  for (const file of files) {
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(bareSpecifier)) {
      if (isBuiltin(specifier!)) continue;
      const parts = specifier!.split('/');
      packages.add(parts.slice(0, specifier!.startsWith('@') ? 2 : 1).join('/'));
    }
  }
  return packages;
}

/** `pg` → `@types/pg`, `@scope/name` → `@types/scope__name`. */
const typesPackage = (name: string): string => `@types/${name.startsWith('@') ? name.slice(1).replace('/', '__') : name}`;

/**
 * The tarball's dependencies: what the JavaScript imports, plus the type packages its
 * declarations need (a consumer type-checking against them needs them too), each at the range
 * the root package.json declares. A package the root does not declare is an error.
 */
export function kitDependencies(outDir: string): Record<string, string> {
  const rootManifest = readManifest(join(root, 'package.json'));
  const declared = { ...rootManifest.devDependencies, ...rootManifest.dependencies };
  const files = filesUnder(outDir);
  const code = importedPackages(files.filter((f) => f.endsWith('.js')));
  const declarations = files.filter((f) => f.endsWith('.d.ts'));
  const typed = importedPackages(declarations);
  const names = new Set([...code, ...typed]);
  for (const name of typed) if (declared[typesPackage(name)]) names.add(typesPackage(name));
  // The declarations describe a Node.js library (Buffer, AbortSignal, node:test…).
  names.add('@types/node');
  const missing = [...names].filter((name) => !declared[name]);
  if (missing.length > 0) throw new Error(`the kit imports packages the root package.json does not declare: ${missing.join(', ')}`);
  return Object.fromEntries([...names].sort().map((name) => [name, declared[name]!]));
}

/** Where tsc put the JavaScript built from one of the kit's sources (`./src/x.ts`), without its extension. */
const built = (source: string): string => `./${join(kitPath, source).replace(/\.ts$/, '')}`;

/** The published package.json: the workspace's name, version, entry points and command, pointing at the build. */
export function kitManifest(outDir: string): Record<string, unknown> {
  const kit = readManifest(join(kitDir, 'package.json'));
  const exports = Object.fromEntries(
    Object.entries(kit.exports).map(([entry, source]) => [entry, { types: `${built(source)}.d.ts`, default: `${built(source)}.js` }]),
  );
  const bin = Object.fromEntries(Object.entries(kit.bin ?? {}).map(([command, source]) => [command, `${built(source)}.js`]));
  return {
    name: kit.name,
    version: kit.version,
    description: kit.description,
    license: kit.license,
    type: 'module',
    exports,
    bin,
    files: ['core', 'identity', 'privacy', 'schemas', kitPath.split('/')[0]],
    engines: kit.engines,
    dependencies: kitDependencies(outDir),
  };
}

/** Builds the kit into `outDir` and packs it into `destination`; resolves to the tarball's path. */
export async function packKit(outDir = join(kitDir, 'dist'), destination = kitDir): Promise<string> {
  await buildKit(outDir);
  writeFileSync(join(outDir, 'package.json'), `${JSON.stringify(kitManifest(outDir), null, 2)}\n`);
  for (const doc of ['README.md', 'CHANGELOG.md']) cpSync(join(kitDir, doc), join(outDir, doc));
  mkdirSync(destination, { recursive: true });
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', destination], { cwd: outDir });
  const [packed] = JSON.parse(stdout) as { filename: string }[];
  return join(destination, packed!.filename);
}

if (import.meta.main) {
  const tarball = await packKit();
  console.log(relative(process.cwd(), tarball));
}
