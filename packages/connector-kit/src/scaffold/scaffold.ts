/**
 * `relais connector new <name>` and `relais-connector new <name>`: scaffolds a connector with the
 * standard anatomy (docs/connectors.md) from the templates beside this file, in one of two layouts.
 *
 * In a Relais repository: connectors/<name>/ (index, config with its settings table, client,
 * mapping, sink, source, README, fixtures, tests calling the conformance suites), silos/<name>/
 * (a REST simulator with its OpenAPI document, its own storage, its settings, and its entry for
 * the quick start) and flows/<name>.yaml. It writes nothing else: no existing file is edited,
 * connectors/registry.ts included — registering the connector is the author's one-line step,
 * printed first in `nextSteps`.
 *
 * Standalone (`standalone: true`), in a project of the integrator's own outside the repository,
 * with the kit installed from npm: the same connectors/<name>/ and flows/<name>.yaml, the
 * simulator's server alone in silos/<name>/ (no quick-start entry, no process of its own), and
 * what the project needs to type-check and run the tests (standalone.ts: package.json,
 * tsconfig.json). Every import of the code written is `@relais/connector-kit`, its `/testing`, a
 * Node.js module or a file of the project.
 *
 * Every check runs before anything is written: an invalid name, an existing folder, flow file or
 * variable, a root that does not fit the layout (not a Relais repository; standalone, a Relais
 * repository, or a package.json that is not a JSON object) is one SCAFFOLD_REFUSED error.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { refuse } from './refuse.ts';
import { standaloneNextSteps, standaloneProjectFiles, type ProjectFile } from './standalone.ts';

export interface ScaffoldOptions {
  /** The connector's name: its folder, kind, system, simulator and settings prefix (kebab-case). */
  name: string;
  /** The repository to scaffold into (the directory holding core/ and connectors/); standalone, the project's directory. */
  root: string;
  /** Also a polled source of the silo's own changes (default true); false: a sink only. */
  source?: boolean;
  /** A project of its own outside the Relais repository, importing the kit from npm (default false). */
  standalone?: boolean;
}

export interface ScaffoldResult {
  /** Files created, relative to the root, sorted. */
  created: string[];
  /** Existing files changed: none in a repository; standalone, the project's package.json when it existed. */
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
/** The simulator's process, settings and quick-start entry: they build on the repository's silos/shared/ and core/. */
const REPOSITORY_ONLY = ['settings.ts.tmpl', 'simulator.ts.tmpl', 'main.ts.tmpl', 'main.integration.test.ts.tmpl'].map((file) =>
  join('silos', '__kebab__', file),
);

/** A Relais repository is where connectors are registered: connectors/registry.ts. */
export function isRelaisRepository(dir: string): boolean {
  return existsSync(join(dir, REGISTRY));
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

function render(text: string, names: ConnectorNames, port: number, standalone: boolean): string {
  return text
    .replaceAll('__command__', standalone ? 'relais-connector new' : 'relais connector new')
    .replaceAll('__kebab__', names.kebab)
    .replaceAll('__camel__', names.camel)
    .replaceAll('__Pascal__', names.Pascal)
    .replaceAll('__CONST__', names.CONST)
    .replaceAll('__port__', String(port));
}

/** A template line or block marked with a tag is kept only in the variants where the tag holds. */
const TAGS = ['source', 'sink-only', 'repo', 'standalone'] as const;
type Tag = (typeof TAGS)[number];
const LINE_TAG = new RegExp(`\\s*(?://|<!--) @(${TAGS.join('|')})(?: -->)?$`);
const BLOCK_TAG = new RegExp(`^// @(${TAGS.join('|')}) ([{}])$`);

/**
 * The templates hold every variant: a line ending in `// @source` (or `<!-- @source -->`) is
 * kept only with a source, `@sink-only` only without; `@repo` only in a Relais repository,
 * `@standalone` only in a standalone project; a line may carry several tags. Lines between
 * `// @<tag> {` and `// @<tag> }` hold where the tag does. The markers never reach the output.
 */
export function selectVariant(text: string, source: boolean, standalone = false): string {
  const holds: Record<Tag, boolean> = { source, 'sink-only': !source, repo: !standalone, standalone };
  const out: string[] = [];
  const blocks: Tag[] = [];
  for (const line of text.split('\n')) {
    const block = BLOCK_TAG.exec(line.trim());
    if (block) {
      if (block[2] === '{') blocks.push(block[1] as Tag);
      else blocks.pop();
      continue;
    }
    let kept = line;
    let keep = blocks.every((tag) => holds[tag]);
    for (let tag = LINE_TAG.exec(kept); tag; tag = LINE_TAG.exec(kept)) {
      keep &&= holds[tag[1] as Tag];
      kept = kept.slice(0, tag.index);
    }
    if (keep) out.push(kept);
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

function repositoryNextSteps(names: ConnectorNames): string[] {
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
  const standalone = options.standalone ?? false;
  const { root } = options;
  if (standalone && isRelaisRepository(root))
    refuse(`"${root}" is a Relais repository: scaffold there without the standalone layout (relais connector new)`);
  if (!standalone && !existsSync(join(root, 'connectors'))) refuse(`"${root}" is not a Relais repository: no connectors/`);
  const declared = settingsText(root);
  checkFree(root, names, declared);
  const project: ProjectFile[] = standalone ? standaloneProjectFiles(root, names.kebab) : [];

  const port = simulatorPort(names.kebab, declared);
  const created: string[] = [];
  const source = options.source ?? true;
  for (const template of templateFiles()) {
    const relativeTemplate = relative(templateDir, template);
    if (standalone && REPOSITORY_ONLY.includes(relativeTemplate)) continue;
    const path = render(relativeTemplate, names, port, standalone).replace(/\.tmpl$/, '');
    if (!source && path === `connectors/${names.kebab}/source.ts`) continue;
    mkdirSync(dirname(join(root, path)), { recursive: true });
    const text = render(selectVariant(readFileSync(template, 'utf8'), source, standalone), names, port, standalone);
    writeFileSync(join(root, path), text, { flag: 'wx' });
    created.push(path.split('\\').join('/'));
  }
  const modified: string[] = [];
  for (const file of project) {
    writeFileSync(join(root, file.path), file.text);
    (file.existed ? modified : created).push(file.path);
  }
  return {
    created: created.sort(),
    modified,
    nextSteps: standalone
      ? [...project.flatMap((file) => (file.note ? [file.note] : [])), ...standaloneNextSteps(names.kebab, source)]
      : repositoryNextSteps(names),
  };
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
