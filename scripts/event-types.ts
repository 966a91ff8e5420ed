/**
 * TypeScript types of the event catalogue, generated from schemas/ with
 * json-schema-to-typescript (docs/adr/0008). The catalogue is bundled into one document first
 * (shared definitions under $defs, event schemas as properties of a root keyed by event type)
 * so each shared definition becomes one named type, whichever file refers to it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { compile, type JSONSchema } from 'json-schema-to-typescript';

type Node = Record<string, unknown>;

const commonRef = '../defs/common.json#/$defs/';

/** `fr.relais.citizen.pacs.dissolved.v1` → `PacsDissolvedV1`. */
export function typeNameOf(eventType: string): string {
  return eventType
    .replace(/^fr\.relais\.(citizen\.)?/, '')
    .split(/[.-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** Shared definitions keep their name, but `date` must not shadow the global Date. */
function defTypeName(name: string): string {
  return name === 'date' ? 'CalendarDate' : name.charAt(0).toUpperCase() + name.slice(1);
}

/**
 * Rewrites cross-file refs to the bundle's $defs and turns a `$ref` with sibling keywords
 * (labels, descriptions) into `allOf: [{ $ref }]`: the generator would otherwise declare a
 * copy of the referenced type for every such use.
 */
function prepare(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(prepare);
  if (node === null || typeof node !== 'object') return node;
  const out: Node = {};
  for (const [keyword, value] of Object.entries(node as Node)) {
    if (keyword === 'examples' || keyword === '$id' || keyword === '$schema') continue;
    out[keyword] = prepare(value);
  }
  const label = out['x-relais-pii'];
  if (typeof label === 'string' && label !== 'none') {
    out['description'] = [out['description'], `Personal data: ${label}.`].filter(Boolean).join('\n\n');
  }
  const ref = out['$ref'];
  if (typeof ref === 'string') {
    const local = ref.startsWith(commonRef) ? `#/$defs/${ref.slice(commonRef.length)}` : ref;
    const { $ref: _ref, ...siblings } = out;
    return Object.keys(siblings).length === 0 ? { $ref: local } : { ...siblings, allOf: [{ $ref: local }] };
  }
  return out;
}

/**
 * The constant naming an event type in code: the type without `fr.relais.` (and `citizen.`),
 * its words in capitals joined by `_`, the version kept (`fr.relais.citizen.address.changed.v1`
 * → `ADDRESS_CHANGED_V1`, `fr.relais.service-request.submitted.v1` → `SERVICE_REQUEST_SUBMITTED_V1`).
 */
export function constantNameOf(eventType: string): string {
  return eventType
    .replace(/^fr\.relais\.(citizen\.)?/, '')
    .split(/[.-]/)
    .map((part) => part.toUpperCase())
    .join('_');
}

function catalogueTypes(schemasDir: string): string[] {
  return readdirSync(join(schemasDir, 'events'))
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

/**
 * schemas/generated/event-types.ts: one constant per event type, so code names a type by an
 * identifier the compiler checks rather than a string literal (the linter forbids those in
 * connectors/, gateway/ and router/).
 */
export function eventTypeConstantsSource(schemasDir: string): string {
  const types = catalogueTypes(schemasDir);
  const names = new Map<string, string>();
  for (const type of types) {
    const name = constantNameOf(type);
    const other = names.get(name);
    if (other) throw new Error(`${type} and ${other} would both be ${name}: rename one of them`);
    names.set(name, type);
  }
  return [
    '// Generated from schemas/events by `npm run gen`. Do not edit.',
    '// One constant per event type of the catalogue; the naming rule is in docs/events.md.',
    ...[...names].map(([name, type]) => `export const ${name} = '${type}';`),
    '',
  ].join('\n');
}

function readJson(path: string): Node {
  return JSON.parse(readFileSync(path, 'utf8')) as Node;
}

export async function eventTypesSource(schemasDir: string): Promise<string> {
  const common = readJson(join(schemasDir, 'defs/common.json'));
  const types = catalogueTypes(schemasDir);
  const properties: Node = {};
  for (const type of types) {
    const schema = prepare(readJson(join(schemasDir, 'events', `${type}.json`))) as Node;
    properties[type] = { ...schema, title: typeNameOf(type) };
  }
  const bundle = {
    title: 'EventDataByType',
    description: 'The data of each event type of the catalogue, keyed by type.',
    type: 'object',
    additionalProperties: false,
    required: types,
    properties,
    $defs: Object.fromEntries(
      Object.entries(prepare(common['$defs']) as Node).map(([name, def]) => [name, { ...(def as Node), title: defTypeName(name) }]),
    ),
  };
  const body = await compile(bundle as JSONSchema, 'EventDataByType', {
    bannerComment: '',
    additionalProperties: false,
    ignoreMinAndMaxItems: true,
    unreachableDefinitions: false,
    format: true,
    style: { singleQuote: true, printWidth: 140 },
  });
  return `// Generated from schemas/events and schemas/defs by \`npm run gen\`. Do not edit.\n${body}`;
}
