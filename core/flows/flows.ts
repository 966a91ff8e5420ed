/**
 * Flow files: connected systems and routes, in YAML under flows/. Loading validates each file
 * against flow.schema.json and against the catalogue (event types, field paths, declared
 * systems, registered connectors) and reports every problem as `file:line: where: reason`,
 * so a bad flow stops the process at start instead of misrouting personal data.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument, isNode, visit, type Document } from 'yaml';
import { RelaisError } from '../errors.ts';
import { createAjv, toIssues } from '../../schemas/validation.ts';
import { fieldPaths, isEventType } from '../../schemas/index.ts';

export type LegalBasisKind = 'legal-obligation' | 'public-task' | 'citizen-request';
type Scalar = string | number | boolean;

export type Filter =
  | { all: Filter[] }
  | { any: Filter[] }
  | { not: Filter }
  | { field: string; equals: Scalar }
  | { field: string; in: Scalar[] }
  | { field: string; startsWith: string }
  | { field: string; exists: boolean };

/**
 * Who among the citizens a route's recipient hears about (docs/flows.md): `holders` (the default),
 * only those the crosswalk says it holds a file on; `residents`, every one of them.
 */
export type Audience = 'holders' | 'residents';

export interface RouteTarget {
  system: string;
  /** Unset means `holders`. */
  audience?: Audience;
  /** The citizen deceased: unset, nothing is written to them; `family-contact`, to their declared contact (docs/flows.md). */
  onDeath?: 'family-contact';
  fields: string[];
}

export interface Route {
  id: string;
  description?: string;
  event: string;
  basis: { kind: LegalBasisKind; reference: string; objection?: 'allowed' };
  filter?: Filter;
  to: RouteTarget[];
}

export interface SystemDeclaration {
  connector: string;
  description?: string;
  identifier?: string;
  /** `notification` systems only inform the citizen; they are never a request's competent service. */
  role?: 'service' | 'notification';
  /**
   * `allow`: a change this system itself sends (its credential, its source) may name one of its
   * identifiers the crosswalk does not know yet, which gets a new pivot id. Unset means `refuse`.
   */
  firstSightings?: 'refuse' | 'allow';
}

export interface FlowFile {
  systems?: Record<string, SystemDeclaration>;
  routes?: Route[];
}

/** All flow files merged: what the router and the gateway work from. */
export interface Flows {
  systems: Map<string, SystemDeclaration & { file: string }>;
  routes: (Route & { file: string })[];
}

const schemaFile = join(dirname(fileURLToPath(import.meta.url)), 'flow.schema.json');
let validateFlowFile: ReturnType<ReturnType<typeof createAjv>['compile']> | undefined;

function flowValidator() {
  validateFlowFile ??= createAjv().compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
  return validateFlowFile;
}

/** A parsed YAML file with its line counter: problems name `file:line` (the rights file reuses it). */
export interface Located {
  file: string;
  doc: Document;
  lines: LineCounter;
}

export function lineOf(source: Located, path: (string | number)[]): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node: unknown = source.doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return source.lines.linePos(node.range[0]).line;
  }
  return 1;
}

export function pointerToPath(pointer: string): (string | number)[] {
  return pointer
    .split('/')
    .slice(1)
    .filter((s) => s !== '')
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
}

export function describePath(path: (string | number)[]): string {
  return path.reduce<string>((out, p) => (typeof p === 'number' ? `${out}[${p}]` : out ? `${out}.${p}` : p), '') || '(file)';
}

function filterPaths(filter: Filter, at: (string | number)[]): { field: string; path: (string | number)[] }[] {
  if ('all' in filter) return filter.all.flatMap((f, i) => filterPaths(f, [...at, 'all', i]));
  if ('any' in filter) return filter.any.flatMap((f, i) => filterPaths(f, [...at, 'any', i]));
  if ('not' in filter) return filterPaths(filter.not, [...at, 'not']);
  return [{ field: filter.field, path: [...at, 'field'] }];
}

/** Anchors and aliases are allowed, but each alias must name an earlier anchor that does not contain it. */
function aliasProblems(source: Located): string[] {
  const problems: string[] = [];
  visit(source.doc, {
    Alias(_, alias) {
      const line = alias.range ? source.lines.linePos(alias.range[0]).line : 1;
      const target = alias.resolve(source.doc);
      if (!target) problems.push(`${source.file}:${line}: alias *${alias.source} has no anchor &${alias.source} before it`);
      else if (alias.range && target.range && alias.range[0] >= target.range[0] && alias.range[0] < target.range[2])
        problems.push(`${source.file}:${line}: alias *${alias.source} is inside its own anchor (a cycle)`);
    },
  });
  return problems;
}

/** The document as plain data, or the problem (`file:line: reason`) that prevents it. */
function contentOf(source: Located): { content: unknown } | { problems: string[] } {
  const aliases = aliasProblems(source);
  if (aliases.length > 0) return { problems: aliases };
  try {
    return { content: source.doc.toJS({ maxAliasCount: 100 }) ?? {} };
  } catch (error) {
    // What is left is the alias count guard (an expansion bomb): name the first alias.
    let line = 1;
    visit(source.doc, {
      Alias(_, alias) {
        if (alias.range) line = source.lines.linePos(alias.range[0]).line;
        return visit.BREAK;
      },
    });
    return { problems: [`${source.file}:${line}: ${(error as Error).message}`] };
  }
}

export interface LoadFlowsOptions {
  /** Connector kinds the registry knows; when given, a system naming another kind is an error. */
  connectors?: string[];
}

export interface FlowSource {
  file: string;
  text: string;
}

/**
 * Parses and checks flow files' text and returns every problem (`file:line: where: reason`)
 * instead of stopping at the first; the flows hold only what passed. `relais flows validate`
 * prints the problems, parseFlows throws them.
 */
export function checkFlows(sources: FlowSource[], options: LoadFlowsOptions = {}): { flows: Flows; problems: string[] } {
  const problems: string[] = [];
  const flows: Flows = { systems: new Map(), routes: [] };
  const located: (Located & { content: FlowFile })[] = [];

  for (const { file, text } of sources) {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
    if (doc.errors.length > 0) {
      for (const error of doc.errors) problems.push(`${file}:${error.linePos?.[0].line ?? 1}: ${error.message.split('\n')[0]}`);
      continue;
    }
    const source = { file, doc, lines };
    const parsed = contentOf(source);
    if ('problems' in parsed) {
      problems.push(...parsed.problems);
      continue;
    }
    const { content } = parsed;
    const validate = flowValidator();
    if (!validate(content)) {
      // oneOf failures repeat each alternative's complaint; keep the first per location.
      const seen = new Set<string>();
      for (const issue of toIssues(validate.errors)) {
        const path = pointerToPath(issue.field);
        const where = describePath(path);
        if (seen.has(where)) continue;
        seen.add(where);
        problems.push(`${file}:${lineOf(source, path)}: ${where}: ${issue.message}`);
      }
      continue;
    }
    located.push({ ...source, content: content as FlowFile });
  }

  for (const source of located) {
    for (const [name, system] of Object.entries(source.content.systems ?? {})) {
      const line = lineOf(source, ['systems', name]);
      const existing = flows.systems.get(name);
      if (existing) problems.push(`${source.file}:${line}: systems.${name}: already declared in ${existing.file}`);
      else if (options.connectors && !options.connectors.includes(system.connector)) {
        problems.push(
          `${source.file}:${line}: systems.${name}.connector: unknown connector "${system.connector}" (known: ${options.connectors.join(', ')})`,
        );
      } else flows.systems.set(name, { ...system, file: source.file });
    }
  }

  const targets = new Map<string, string>();
  for (const source of located) {
    (source.content.routes ?? []).forEach((route, r) => {
      const at = (...path: (string | number)[]): string =>
        `${source.file}:${lineOf(source, ['routes', r, ...path])}: ${describePath(['routes', r, ...path])}`;
      if (flows.routes.some((other) => other.id === route.id)) problems.push(`${at('id')}: route id "${route.id}" is used twice`);
      if (!isEventType(route.event)) {
        problems.push(`${at('event')}: unknown event type "${route.event}" (no schema in schemas/events/)`);
        return;
      }
      const known = fieldPaths(route.event);
      for (const { field, path } of route.filter ? filterPaths(route.filter, ['filter']) : []) {
        if (field.startsWith('data.') && !known.has(field.slice(5)))
          problems.push(`${at(...path)}: "${field}" is not a field of ${route.event}`);
      }
      route.to.forEach((target, t) => {
        if (!flows.systems.has(target.system))
          problems.push(`${at('to', t, 'system')}: system "${target.system}" is not declared under systems`);
        const twice = targets.get(`${route.event}\u0000${target.system}`);
        if (twice) problems.push(`${at('to', t, 'system')}: ${target.system} already receives ${route.event} through route "${twice}"`);
        targets.set(`${route.event}\u0000${target.system}`, route.id);
        // A family contact is written to, not a silo's file updated: only a notification system may.
        if (target.onDeath && flows.systems.get(target.system)?.role !== 'notification')
          problems.push(`${at('to', t, 'onDeath')}: onDeath ${target.onDeath} needs a notification system (role: notification)`);
        target.fields.forEach((field, f) => {
          if (!known.has(field)) problems.push(`${at('to', t, 'fields', f)}: "${field}" is not a field of ${route.event}`);
        });
      });
      flows.routes.push({ ...route, file: source.file });
    });
  }

  return { flows, problems };
}

/** Parses and checks flow files' text; throws FLOW_INVALID listing every problem. */
export function parseFlows(sources: FlowSource[], options: LoadFlowsOptions = {}): Flows {
  const { flows, problems } = checkFlows(sources, options);
  if (problems.length > 0) throw new RelaisError('FLOW_INVALID', `invalid flows:\n  ${problems.join('\n  ')}`);
  return flows;
}

/** A file's name as problems show it: relative to the working directory when inside it. */
function displayName(path: string): string {
  const shown = relative(process.cwd(), path);
  return shown === '' || shown.startsWith('..') || isAbsolute(shown) ? resolve(path) : shown;
}

/** The rights file sits next to the flows (gateway/rights/) but is not a flow file. */
export const RIGHTS_FILE = 'rights.yaml';

/** Every `*.yaml`/`*.yml` file of a directory but the rights file. */
export function readFlowSources(dir: string): FlowSource[] {
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f) && f !== RIGHTS_FILE)
    .sort();
  return files.map((f) => ({ file: displayName(join(dir, f)), text: readFileSync(join(dir, f), 'utf8') }));
}

/** Loads every `*.yaml`/`*.yml` file of a directory. */
export function loadFlows(dir: string, options: LoadFlowsOptions = {}): Flows {
  return parseFlows(readFlowSources(dir), options);
}
