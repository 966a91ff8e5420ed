/**
 * `relais connector new <name>`: scaffolds a connector with the standard anatomy
 * (docs/connectors.md) from the templates beside this file — connectors/<name>/ (index, config,
 * client, mapping, sink, source, README, fixtures, tests calling the conformance suites),
 * silos/<name>/ (a REST simulator with its OpenAPI document and its own storage) and
 * flows/<name>.yaml — and declares the connector's settings in core/config.ts, so the generated
 * code typechecks at once. It never touches connectors/registry.ts: registering the connector
 * is the author's step, printed in `nextSteps`.
 *
 * Every check runs before anything is written: an invalid name, an existing folder, flow file or
 * setting, or a root that is not a Relais repository is one SCAFFOLD_REFUSED error.
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
  /** Existing files changed (core/config.ts). */
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
const CONFIG = 'core/config.ts';
/** The settings table's closing line in core/config.ts: new settings go just above it. */
const SETTINGS_END = '} satisfies Record<string, Setting<unknown>>;';

function refuse(message: string): never {
  throw new RelaisError('SCAFFOLD_REFUSED', message);
}

export function connectorNames(name: string): ConnectorNames {
  if (!NAME.test(name) || name.length < 3 || name.length > 40) {
    refuse(
      `connector name "${name}": expected kebab-case — lowercase letters and digits, words joined by "-", 3 to 40 characters, starting with a letter (e.g. school-catering)`,
    );
  }
  const Pascal = name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  return { kebab: name, camel: Pascal.charAt(0).toLowerCase() + Pascal.slice(1), Pascal, CONST: name.replaceAll('-', '_').toUpperCase() };
}

/** A port for the simulator, stable for a name, in 8100–8199, not already a default in the config. */
function simulatorPort(name: string, configText: string): number {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) % 100;
  for (let i = 0; i < 100; i++) {
    const port = 8100 + ((hash + i) % 100);
    if (!configText.includes(`'${port}'`) && !configText.includes(`:${port}'`)) return port;
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

function settingsBlock(names: ConnectorNames, port: number): string {
  const { kebab, camel, CONST } = names;
  return [
    `  ${camel}Url: { env: '${CONST}_URL', default: 'http://127.0.0.1:${port}', parse: httpUrl, description: 'Base URL of the ${kebab} REST API.' },`,
    `  ${camel}ApiKey: { env: '${CONST}_API_KEY', parse: text, secret: true, description: 'API key sent to the ${kebab} API (X-Api-Key).' },`,
    `  ${camel}Port: { env: '${CONST}_PORT', default: '${port}', parse: integer(0, 65535), description: 'Port of the ${kebab} simulator.' },`,
    '',
  ].join('\n');
}

/** Refuses when the root is not a Relais repository or the name is taken anywhere it would be used. */
function checkFree(root: string, names: ConnectorNames, configText: string): void {
  const { kebab, camel, CONST } = names;
  const taken = [`connectors/${kebab}`, `silos/${kebab}`, `flows/${kebab}.yaml`].find((path) => existsSync(join(root, path)));
  if (taken) refuse(`connector name "${kebab}" is taken: ${taken} exists`);
  const registry = join(root, 'connectors/registry.ts');
  if (existsSync(registry) && readFileSync(registry, 'utf8').includes(`'./${kebab}/index.ts'`))
    refuse(`connector name "${kebab}" is taken: connectors/registry.ts imports ./${kebab}`);
  const setting = [`${camel}Url:`, `${camel}ApiKey:`, `${camel}Port:`, `'${CONST}_URL'`, `'${CONST}_API_KEY'`, `'${CONST}_PORT'`].find(
    (s) => configText.includes(s),
  );
  if (setting) refuse(`connector name "${kebab}" is taken: ${CONFIG} already declares ${setting.replace(/[:']/g, '')}`);
}

function nextSteps(names: ConnectorNames): string[] {
  const { kebab, camel } = names;
  return [
    `register it in connectors/registry.ts: import { ${camel}Connector } from './${kebab}/index.ts'; and add ${camel}Connector to the list (until then flows/${kebab}.yaml names an unknown connector and the flows fail validation)`,
    'run npm run gen (docs/configuration.md lists the new settings) and commit it',
    `run npm run typecheck && npm run lint && npm test -- ${kebab}`,
    `replace the stub protocol with the silo's (silos/${kebab}/openapi.yaml, mapping.ts, client.ts), complete flows/${kebab}.yaml (legal basis, fields) and the READMEs`,
    'for the quick start and end-to-end tests: start and seed the simulator in bin/start-silos.ts, link demo persons in bin/demo-identities.ts, show it in bin/banner.ts, give it a port in test/support/stack.ts (docs/connectors.md, "Into the quick start")',
  ];
}

/** Scaffolds connector `name` under `root`; see the module comment. */
export function scaffoldConnector(options: ScaffoldOptions): ScaffoldResult {
  const names = connectorNames(options.name);
  const configPath = join(options.root, CONFIG);
  if (!existsSync(configPath) || !existsSync(join(options.root, 'connectors')))
    refuse(`"${options.root}" is not a Relais repository: no ${CONFIG} or connectors/`);
  const configText = readFileSync(configPath, 'utf8');
  const end = configText.indexOf(SETTINGS_END);
  if (end < 0) refuse(`${CONFIG} has no settings table ending in "${SETTINGS_END}"`);
  checkFree(options.root, names, configText);

  const port = simulatorPort(names.kebab, configText);
  const created: string[] = [];
  const source = options.source ?? true;
  for (const template of templateFiles()) {
    const path = render(relative(templateDir, template), names, port).replace(/\.tmpl$/, '');
    if (!source && path === `connectors/${names.kebab}/source.ts`) continue;
    mkdirSync(dirname(join(options.root, path)), { recursive: true });
    writeFileSync(join(options.root, path), render(selectVariant(readFileSync(template, 'utf8'), source), names, port), { flag: 'wx' });
    created.push(path.split('\\').join('/'));
  }
  writeFileSync(configPath, configText.slice(0, end) + settingsBlock(names, port) + configText.slice(end));
  return { created: created.sort(), modified: [CONFIG], nextSteps: nextSteps(names) };
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
