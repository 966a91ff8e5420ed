/**
 * The rights file (flows/rights.yaml, schema schemas/rights.schema.json): who may say what about
 * whom, and who may see what. Deny by default: a caller may do only what its client entry (a
 * service credential, by name) or one of its agent roles grants. Loading checks the file against
 * its schema, the event catalogue and the systems of the flows, and reports every problem as
 * `file:line: where: reason`, so a bad rights file stops the gateway at start.
 * docs/security.md is the reference; decide.ts applies it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';
import { RelaisError } from '../../core/errors.ts';
import { describePath, lineOf, pointerToPath, type Flows, type Located } from '../../core/flows/flows.ts';
import { isEventType } from '../../schemas/index.ts';
import { createAjv, toIssues } from '../../schemas/validation.ts';

export type Naming = 'own-identifiers' | 'received-pivots' | 'any-identifier' | 'any-pivot' | 'own-pivot' | 'civil-data';
export type ReadRight =
  | 'own-changes'
  | 'changes'
  | 'timelines'
  | 'own-timeline'
  | 'disclosures'
  | 'own-disclosures'
  | 'dead-letters'
  | 'systems'
  | 'kpis'
  | 'identity-reviews'
  | 'crosswalk'
  | 'family-contacts'
  | 'interactions'
  | 'service-requests';
/** What a caller may declare about a citizen that is not a change (schemas/rights.schema.json `declare`). */
export type DeclareRight =
  | 'family-contacts'
  | 'objections'
  | 'own-objections'
  | 'interactions'
  | 'erasure'
  | 'request-handling'
  | 'dead-letter-triage'
  | 'connector-pause';

export interface OriginateRule {
  id: string;
  description?: string;
  /** Event types, or '*'. */
  events: string[];
  /** Channels, or '*'. */
  channels: string[];
  requires?: 'act-confirmed-by-register';
}

export interface Grant {
  description?: string;
  originate?: OriginateRule[];
  naming?: Naming[];
  read?: ReadRight[];
  declare?: DeclareRight[];
}

export interface ClientGrant extends Grant {
  system?: string;
}

/** A grant with where it is declared (`file:line`), for refusals. */
export type Declared<T> = T & { where: string };

export interface Rights {
  file: string;
  clients: Map<string, Declared<ClientGrant>>;
  roles: Map<string, Declared<Grant>>;
}

interface RightsFile {
  clients?: Record<string, ClientGrant>;
  roles?: Record<string, Grant>;
}

const schemaFile = join(dirname(fileURLToPath(import.meta.url)), '../../schemas/rights.schema.json');
let validator: ReturnType<ReturnType<typeof createAjv>['compile']> | undefined;

function validateRights() {
  validator ??= createAjv().compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
  return validator;
}

/** Problems the schema cannot see: unknown event types and systems. */
function referenceProblems(source: Located, content: RightsFile, flows: Flows | undefined): string[] {
  const problems: string[] = [];
  const at = (path: (string | number)[]): string => `${source.file}:${lineOf(source, path)}: ${describePath(path)}`;
  const grants: [string, Grant & { system?: string }][] = [
    ...Object.entries(content.clients ?? {}).map(([name, grant]): [string, ClientGrant] => [`clients.${name}`, grant]),
    ...Object.entries(content.roles ?? {}).map(([name, grant]): [string, Grant] => [`roles.${name}`, grant]),
  ];
  for (const [key, grant] of grants) {
    const base = key.split('.') as [string, string];
    if (grant.system !== undefined && flows && !flows.systems.has(grant.system))
      problems.push(`${at([...base, 'system'])}: system "${grant.system}" is not declared in the flows`);
    const ruleIds = new Set<string>();
    (grant.originate ?? []).forEach((rule, r) => {
      if (ruleIds.has(rule.id)) problems.push(`${at([...base, 'originate', r, 'id'])}: rule id "${rule.id}" is used twice`);
      ruleIds.add(rule.id);
      rule.events.forEach((type, e) => {
        if (type !== '*' && !isEventType(type))
          problems.push(`${at([...base, 'originate', r, 'events', e])}: unknown event type "${type}" (no schema in schemas/events/)`);
      });
    });
    const naming = grant.naming ?? [];
    if ((naming.includes('own-identifiers') || naming.includes('received-pivots')) && base[0] === 'clients' && !grant.system)
      problems.push(`${at([...base, 'naming'])}: own-identifiers and received-pivots need the client's system`);
  }
  return problems;
}

/** Parses and checks a rights file's text; returns the rights and every problem. */
export function checkRights(file: string, text: string, flows?: Flows): { rights: Rights; problems: string[] } {
  const rights: Rights = { file, clients: new Map(), roles: new Map() };
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  if (doc.errors.length > 0)
    return { rights, problems: doc.errors.map((e) => `${file}:${e.linePos?.[0].line ?? 1}: ${e.message.split('\n')[0]}`) };
  const source: Located = { file, doc, lines };
  const content: unknown = doc.toJS() ?? {};
  const validate = validateRights();
  if (!validate(content)) {
    const seen = new Set<string>();
    const problems: string[] = [];
    for (const issue of toIssues(validate.errors)) {
      const path = pointerToPath(issue.field);
      const line = `${file}:${lineOf(source, path)}: ${describePath(path)}: ${issue.message}`;
      if (!seen.has(line)) problems.push(line);
      seen.add(line);
    }
    return { rights, problems };
  }
  const checked = content as RightsFile;
  for (const [name, grant] of Object.entries(checked.clients ?? {}))
    rights.clients.set(name, { ...grant, where: `${file}:${lineOf(source, ['clients', name])}` });
  for (const [name, grant] of Object.entries(checked.roles ?? {}))
    rights.roles.set(name, { ...grant, where: `${file}:${lineOf(source, ['roles', name])}` });
  return { rights, problems: referenceProblems(source, checked, flows) };
}

/** The rights file's path: RELAIS_RIGHTS_FILE, else rights.yaml in the flows directory. */
export function rightsFileOf(config: { rightsFile?: string | undefined; flowsDir: string }): string {
  return config.rightsFile ?? join(config.flowsDir, 'rights.yaml');
}

/** Loads and checks the rights file; throws RIGHTS_INVALID listing every problem. No file refuses everything: it is an error too. */
export function loadRights(file: string, flows?: Flows): Rights {
  if (!existsSync(file))
    throw new RelaisError('RIGHTS_INVALID', `no rights file ${file}: the gateway would refuse every request (see docs/security.md)`);
  const { rights, problems } = checkRights(file, readFileSync(file, 'utf8'), flows);
  if (problems.length > 0) throw new RelaisError('RIGHTS_INVALID', `invalid rights:\n  ${problems.join('\n  ')}`);
  return rights;
}
