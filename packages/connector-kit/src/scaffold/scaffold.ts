/**
 * `relais connector new <name>`: scaffolds a connector with the standard anatomy
 * (docs/connectors.md) from the templates beside this file — connectors/<name>/ (index, config
 * with its settings table, client, mapping, sink, source, README, fixtures, tests calling the
 * conformance suites), silos/<name>/ (a REST simulator with its OpenAPI document, its own
 * storage, its settings, and its entry for the quick start) and flows/<name>.yaml. It writes
 * nothing else: no existing file is edited, connectors/registry.ts included — registering the
 * connector is the author's one-line step, printed first in `nextSteps`.
 *
 * Every check runs before anything is written: an invalid name, an existing folder, flow file or
 * variable, or a root that is not a Relais repository is one SCAFFOLD_REFUSED error.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RelaisError } from '../../../../core/errors.ts';

export interface ScaffoldOptions {
  /** The connector's name: its folder, kind, system, simulator and settings prefix (kebab-case). */
  name: string;
  /** The repository to scaffold into (the directory holding core/ and connectors/). */
  root: string;
  /** Also a polled source of the silo's own changes (default true); false: a sink only. */
  source?: boolean;
}

export interface ScaffoldResult {
  /** Files created, relative to the root, sorted. */
  created: string[];
  /** Existing files changed: none (kept so a caller can check it). */
  modified: string[];
  /** What the author does next, one instruction per entry (the registry line first). */
  nextSteps: string[];
}

/** The forms of a connector's name the templates use. */
export interface ConnectorNames {
  kebab: string;
  camel: string;
  Pascal: string;
  CONST: string;
}

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const templateDir = join(dirname(fileURLToPath(import.meta.url)), 'template');
const REGISTRY = 'connectors/registry.ts';

function refuse(message: string): never {
  throw new RelaisError('SCAFFOLD_REFUSED', message);
}

export function connectorNames(name: string): ConnectorNames {
  if (!NAME.test(name) || name.length < 3 || name.length > 40) {
    refuse(
      `connector name "${name}": expected kebab-case — lowercase letters and digits, words joined by "-", 3 to 40 characters, starting with a letter (e.g. parking-permits)`,
    );
  }
  const Pascal = name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  return { kebab: name, camel: Pascal.charAt(0).toLowerCase() + Pascal.slice(1), Pascal, CONST: name.replaceAll('-', '_').toUpperCase() };
}

/**
 * The text of every settings table in the repository: the kernel's, each connector's config.ts
 * and each simulator's settings.ts (to keep a new connector's variables and port apart from them).
 */
function settingsText(root: string): string {
  const tables = (folder: string, file: string): string[] =>
    existsSync(join(root, folder)) ? readdirSync(join(root, folder)).map((unit) => join(root, folder, unit, file)) : [];
  return [join(root, 'core/config.ts'), ...tables('connectors', 'config.ts'), ...tables('silos', 'settings.ts')]
    .filter((file) => existsSync(file))
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
}

/** A port for the simulator, stable for a name, in 8100–8199, not already a default of a declared setting. */
function simulatorPort(name: string, declared: string): number {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) % 100;
  for (let i = 0; i < 100; i++) {
    const port = 8100 + ((hash + i) % 100);
    if (!declared.includes(`'${port}'`) && !declared.includes(`:${port}'`) && !declared.includes(`:${port}/`)) return port;
  }
  return 8100 + hash;
}

function render(text: string, names: ConnectorNames, port: number): string {
  return text
    .replaceAll('__kebab__', names.kebab)
    .replaceAll('__camel__', names.camel)
    .replaceAll('__Pascal__', names.Pascal)
    .replaceAll('__CONST__', names.CONST)
    .replaceAll('__port__', String(port));
}

const SOURCE_LINE = /\s*(\/\/ @source|<!-- @source -->)$/;
const SINK_ONLY_LINE = /\s*(\/\/ @sink-only|<!-- @sink-only -->)$/;

/**
 * The templates hold both variants: a line ending in `@source` is kept only with a source, one
 * ending in `@sink-only` only without; lines between `// @source {` and `// @source }` are the
 * source's. The markers themselves never reach the output.
 */
export function selectVariant(text: string, source: boolean): string {
  const out: string[] = [];
  let inSourceBlock = false;
  for (const line of text.split('\n')) {
    const marker = line.trim();
    if (marker === '// @source {' || marker === '// @source }') {
      inSourceBlock = marker.endsWith('{');
      continue;
    }
    if (inSourceBlock && !source) continue;
    if (SOURCE_LINE.test(line)) {
      if (source) out.push(line.replace(SOURCE_LINE, ''));
    } else if (SINK_ONLY_LINE.test(line)) {
      if (!source) out.push(line.replace(SINK_ONLY_LINE, ''));
    } else out.push(line);
  }
  return out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/\n+$/, '\n');
}

function templateFiles(dir = templateDir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? templateFiles(path) : entry.name.endsWith('.tmpl') ? [path] : [];
  });
}

/** Refuses when the name is taken anywhere it would be used: a folder, the flow file, the registry, a variable. */
function checkFree(root: string, names: ConnectorNames, declared: string): void {
  const { kebab, CONST } = names;
  const taken = [`connectors/${kebab}`, `silos/${kebab}`, `flows/${kebab}.yaml`].find((path) => existsSync(join(root, path)));
  if (taken) refuse(`connector name "${kebab}" is taken: ${taken} exists`);
  const registry = join(root, REGISTRY);
  if (existsSync(registry) && readFileSync(registry, 'utf8').includes(`'./${kebab}/index.ts'`))
    refuse(`connector name "${kebab}" is taken: ${REGISTRY} lists ./${kebab}/index.ts`);
  const variable = ['URL', 'API_KEY', 'PORT', 'HOST', 'DATA_DIR']
    .map((suffix) => `${CONST}_${suffix}`)
    .find((v) => declared.includes(`'${v}'`));
  if (variable) refuse(`connector name "${kebab}" is taken: a settings table already declares ${variable}`);
}

function nextSteps(names: ConnectorNames): string[] {
  const { kebab } = names;
  return [
    `register it: add the line './${kebab}/index.ts', to ${REGISTRY} (until then flows/${kebab}.yaml names an unknown connector and the flows fail validation)`,
    "run npm run gen (docs/configuration.md lists the connector's and the simulator's settings; the silo's OpenAPI types) and commit it",
    `run npm run typecheck && npm run lint && npm test -- ${kebab}`,
    `replace the stub protocol with the silo's (silos/${kebab}/openapi.yaml, mapping.ts, client.ts), complete flows/${kebab}.yaml (legal basis, fields) and the READMEs`,
    `the quick start starts the simulator already (silos/${kebab}/simulator.ts): give it demo data, its demoIdentities and banner lines there (docs/connectors.md, "Into the quick start")`,
  ];
}

/** Scaffolds connector `name` under `root`; see the module comment. */
export function scaffoldConnector(options: ScaffoldOptions): ScaffoldResult {
  const names = connectorNames(options.name);
  if (!existsSync(join(options.root, 'connectors'))) refuse(`"${options.root}" is not a Relais repository: no connectors/`);
  const declared = settingsText(options.root);
  checkFree(options.root, names, declared);

  const port = simulatorPort(names.kebab, declared);
  const created: string[] = [];
  const source = options.source ?? true;
  for (const template of templateFiles()) {
    const path = render(relative(templateDir, template), names, port).replace(/\.tmpl$/, '');
    if (!source && path === `connectors/${names.kebab}/source.ts`) continue;
    mkdirSync(dirname(join(options.root, path)), { recursive: true });
    writeFileSync(join(options.root, path), render(selectVariant(readFileSync(template, 'utf8'), source), names, port), { flag: 'wx' });
    created.push(path.split('\\').join('/'));
  }
  return { created: created.sort(), modified: [], nextSteps: nextSteps(names) };
}

/** The result as the CLI prints it without --json: what was created and changed, then the next steps. */
export function describeScaffold(result: ScaffoldResult): string {
  return [
    `created ${result.created.length} files:`,
    ...result.created.map((file) => `  ${file}`),
    ...(result.modified.length > 0 ? ['changed:', ...result.modified.map((file) => `  ${file}`)] : []),
    'next:',
    ...result.nextSteps.map((step, i) => `  ${i + 1}. ${step}`),
  ].join('\n');
}
