/**
 * The one way to the connectors: the modules of connectors/registry.ts and those named by
 * RELAIS_CONNECTORS, imported, checked and indexed by kind. Everything that needs a connector
 * (the host, `relais flows validate`, the gateway's identity resolver, the configuration
 * reference) asks loadConnectors(), so a connector package added by configuration is seen
 * everywhere a built-in one is.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ConnectorDefinition } from '@relais/connector-kit';
import { readSetting } from '../core/config.ts';
import { RelaisError } from '../core/errors.ts';
import { builtInConnectors } from './registry.ts';

export interface ConnectorRegistry {
  /** In load order: the built-in connectors, then RELAIS_CONNECTORS's. */
  readonly definitions: readonly ConnectorDefinition[];
  get(kind: string): ConnectorDefinition | undefined;
  kinds(): string[];
}

type Env = Record<string, string | undefined>;

const KIND = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const FACTORIES = ['createSink', 'createSource', 'createPushSource', 'createIdentityResolver', 'createFileLister'] as const;

const isStringArray = (value: unknown): boolean => Array.isArray(value) && value.every((v) => typeof v === 'string');

/** Why `value` is not a ConnectorDefinition (one reason per line's worth), or an empty list. */
export function definitionProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return ['its default export is not a connector definition object'];
  const d = value as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof d['kind'] !== 'string' || !KIND.test(d['kind'])) problems.push('`kind` must be a kebab-case name');
  if (typeof d['description'] !== 'string') problems.push('`description` must be a string');
  if (!isStringArray(d['accepts'])) problems.push('`accepts` must be a list of event types');
  if (d['emits'] !== undefined && !isStringArray(d['emits'])) problems.push('`emits` must be a list of event types');
  const settings = d['settings'];
  if (typeof settings !== 'object' || settings === null) problems.push('`settings` must be a table (defineSettings)');
  else {
    for (const [key, setting] of Object.entries(settings)) {
      const s = setting as Record<string, unknown> | null;
      if (typeof s?.['env'] !== 'string' || typeof s['description'] !== 'string' || typeof s['parse'] !== 'function')
        problems.push(`setting \`${key}\` needs env, description and parse`);
    }
  }
  for (const factory of FACTORIES) {
    if (d[factory] !== undefined && typeof d[factory] !== 'function') problems.push(`\`${factory}\` must be a function`);
  }
  if (!FACTORIES.some((factory) => typeof d[factory] === 'function')) problems.push(`it offers none of ${FACTORIES.join(', ')}`);
  return problems;
}

/** What import() is given: built-in modules relative to the registry, configured paths relative to the working directory, package names as they are. */
function importable(module: string, builtIn: boolean): string {
  if (builtIn) return new URL(module, new URL('./registry.ts', import.meta.url)).href;
  return module.startsWith('.') || module.startsWith('/') ? pathToFileURL(resolve(module)).href : module;
}

interface Loaded {
  where: string;
  definition: ConnectorDefinition;
}

async function load(module: string, builtIn: boolean): Promise<Loaded> {
  const where = builtIn ? `connectors/registry.ts: "${module}"` : `RELAIS_CONNECTORS: "${module}"`;
  let exports: { default?: unknown };
  try {
    exports = (await import(importable(module, builtIn))) as { default?: unknown };
  } catch (error) {
    throw new RelaisError('CONFIG_INVALID', `${where}: cannot load the connector module (${(error as Error).message})`, { cause: error });
  }
  const problems = definitionProblems(exports.default);
  if (problems.length > 0)
    throw new RelaisError(
      'CONFIG_INVALID',
      `${where}: not a connector module (its default export must be a ConnectorDefinition): ${problems.join('; ')}`,
    );
  return { where, definition: exports.default as ConnectorDefinition };
}

const loaded = new Map<string, Promise<ConnectorRegistry>>();

/** The registry of this process: loaded once per RELAIS_CONNECTORS value. Throws CONFIG_INVALID naming the module at fault. */
export async function loadConnectors(env: Env = process.env): Promise<ConnectorRegistry> {
  const extra = readSetting('connectorModules', env) ?? [];
  const key = extra.join(',');
  let registry = loaded.get(key);
  if (!registry) {
    registry = Promise.all([...builtInConnectors.map((m) => load(m, true)), ...extra.map((m) => load(m, false))]).then(indexed);
    // A failed load is not remembered: the next call (after a fix) tries again.
    void registry.catch(() => loaded.delete(key));
    loaded.set(key, registry);
  }
  return registry;
}

function indexed(modules: Loaded[]): ConnectorRegistry {
  const byKind = new Map<string, Loaded>();
  for (const module of modules) {
    const kind = module.definition.kind;
    const other = byKind.get(kind);
    if (other) throw new RelaisError('CONFIG_INVALID', `${module.where}: the connector kind "${kind}" is taken (${other.where})`);
    byKind.set(kind, module);
  }
  return {
    definitions: modules.map((m) => m.definition),
    get: (kind) => byKind.get(kind)?.definition,
    kinds: () => [...byKind.keys()],
  };
}
