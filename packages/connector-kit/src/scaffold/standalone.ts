/**
 * What a standalone connector project needs beside its connector's and silo's folders: a
 * package.json (an ES module package depending on the kit, with `typecheck` and `test` scripts)
 * and a tsconfig.json (the repository's strictness, type-checking only: Node.js runs the
 * TypeScript as it is). An existing package.json, as `npm init` and `npm install
 * @relais/connector-kit` leave it, is completed, never overwritten: what it already says stays,
 * except npm init's two placeholders — `"type": "commonjs"` becomes `"module"` (a connector is ES
 * modules; the next steps say so) and the failing `test` script gives way to `node --test`. An
 * existing tsconfig.json is left alone.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { refuse } from './refuse.ts';

/** A file of the project to write, whether it existed (then it is reported as modified), and what the author should know about it. */
export interface ProjectFile {
  path: string;
  text: string;
  existed: boolean;
  note?: string;
}

/** What `npm init` puts in `scripts.test`. */
const NPM_INIT_TEST = 'echo "Error: no test specified" && exit 1';

/** The TypeScript the kit's declarations are built and checked with (the repository's). */
export const TYPESCRIPT_RANGE = '^5.9.0';

const compilerOptions = {
  target: 'ES2024',
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  lib: ['ES2024'],
  types: ['node'],
  strict: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  noFallthroughCasesInSwitch: true,
  allowImportingTsExtensions: true,
  verbatimModuleSyntax: true,
  erasableSyntaxOnly: true,
  isolatedModules: true,
  skipLibCheck: true,
  noEmit: true,
};

type Manifest = Record<string, unknown> & {
  type?: unknown;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};

/** The kit's own version: from the nearest package.json above this module named @relais/connector-kit. */
export function kitVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (manifest.name === '@relais/connector-kit' && manifest.version) return manifest.version;
  }
  throw new Error('the connector kit has no package.json of its own above its modules');
}

function readManifest(file: string): Manifest | undefined {
  if (!existsSync(file)) return undefined;
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    refuse(`${file} is not valid JSON`);
  }
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) refuse(`${file} is not a package.json object`);
  return manifest as Manifest;
}

/** package.json: created for the connector, or the existing one completed with what is missing. */
function manifestFile(root: string, kebab: string): ProjectFile {
  const existing = readManifest(join(root, 'package.json'));
  const manifest: Manifest = existing
    ? structuredClone(existing)
    : { name: `${kebab}-connector`, version: '0.1.0', private: true, description: `The ${kebab} connector for Relais.` };
  const { type } = manifest;
  manifest.type = 'module';
  if (manifest.scripts?.['test'] === NPM_INIT_TEST) delete manifest.scripts['test'];
  manifest.scripts = { typecheck: 'tsc -p .', test: 'node --test', ...manifest.scripts };
  manifest.dependencies = { '@relais/connector-kit': `^${kitVersion()}`, ...manifest.dependencies };
  manifest.devDependencies = { typescript: TYPESCRIPT_RANGE, ...manifest.devDependencies };
  const file: ProjectFile = { path: 'package.json', text: `${JSON.stringify(manifest, null, 2)}\n`, existed: existing !== undefined };
  if (type !== undefined && type !== 'module')
    file.note = `package.json said "type": ${JSON.stringify(type)}, now "module" (the connector is ES modules): rename the project's own CommonJS .js files, if any, to .cjs`;
  return file;
}

/** The project's files to write (checked, not yet written): package.json, and tsconfig.json unless there is one. */
export function standaloneProjectFiles(root: string, kebab: string): ProjectFile[] {
  const files = [manifestFile(root, kebab)];
  if (!existsSync(join(root, 'tsconfig.json'))) {
    const tsconfig = { compilerOptions, include: ['connectors', 'silos'] };
    files.push({ path: 'tsconfig.json', text: `${JSON.stringify(tsconfig, null, 2)}\n`, existed: false });
  }
  return files;
}

export function standaloneNextSteps(kebab: string, source: boolean): string[] {
  const suites = source ? 'the sink and source conformance suites' : 'the sink conformance suite';
  return [
    'run npm install (the kit and TypeScript, as package.json lists them)',
    `run npm run typecheck, then KAFKA_BROKERS=<host:port> TEST_DATABASE_URL=postgres://<user>@<host>:5432/postgres npm test: ${suites} need a Kafka broker and a PostgreSQL server they may create databases on`,
    `replace the stub protocol with the silo's (silos/${kebab}/openapi.yaml and server.ts, connectors/${kebab}/mapping.ts and client.ts), complete flows/${kebab}.yaml (legal basis, fields) and the READMEs`,
    `to run it in Relais: add flows/${kebab}.yaml to the deployment's flows and name the connector's module (connectors/${kebab}/index.ts) in RELAIS_CONNECTORS (docs/connectors.md in the Relais repository)`,
  ];
}
