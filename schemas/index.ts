/**
 * The catalogue of canonical event types: one JSON Schema per type and version under
 * schemas/events/, shared definitions under schemas/defs/. Validators are compiled once,
 * at first use, and shared by the gateway, the router and the connectors.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { RelaisError } from '../core/errors.ts';
import { createAjv, toIssues, type ValidationIssue } from '../core/validation.ts';
import type { EventDataByType } from './generated/events.ts';

export type * from './generated/events.ts';

/** An event type of the catalogue, e.g. `fr.relais.citizen.address.changed.v1`. */
export type EventType = keyof EventDataByType;
/** The data of an event of type `T` (of any type of the catalogue by default). */
export type EventData<T extends EventType = EventType> = EventDataByType[T];
/** A value after projection onto a route's fields: every field, at any depth, may be absent. */
export type Projected<T> = T extends (infer U)[] ? Projected<U>[] : T extends object ? { [K in keyof T]?: Projected<T[K]> } : T;
/** What a recipient system receives of an event of type `T`. */
export type DeliveredData<T extends EventType> = Projected<EventData<T>>;

const here = dirname(fileURLToPath(import.meta.url));

interface SchemaDocument {
  $id: string;
  [keyword: string]: unknown;
}

function readSchemas(folder: string): SchemaDocument[] {
  return readdirSync(join(here, folder))
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => JSON.parse(readFileSync(join(here, folder, file), 'utf8')) as SchemaDocument);
}

interface Catalogue {
  schemas: Map<string, SchemaDocument>;
  validators: Map<string, ValidateFunction>;
  /** Every document by `$id`, to follow `$ref`s. */
  byId: Map<string, SchemaDocument>;
}

let catalogue: Catalogue | undefined;

function load(): Catalogue {
  if (catalogue) return catalogue;
  const ajv = createAjv();
  const byId = new Map<string, SchemaDocument>();
  for (const schema of readSchemas('defs')) {
    ajv.addSchema(schema);
    byId.set(schema.$id, schema);
  }
  const schemas = new Map<string, SchemaDocument>();
  const validators = new Map<string, ValidateFunction>();
  for (const schema of readSchemas('events')) {
    const type = schema.$id.replace(/^.*\/events\//, '').replace(/\.json$/, '');
    schemas.set(type, schema);
    byId.set(schema.$id, schema);
    validators.set(type, ajv.compile(schema));
  }
  catalogue = { schemas, validators, byId };
  return catalogue;
}

/** Every known event type, e.g. `fr.relais.citizen.address.changed.v1`. */
export function eventTypes(): EventType[] {
  return [...load().schemas.keys()] as EventType[];
}

export function isEventType(type: string): type is EventType {
  return load().schemas.has(type);
}

/** The `$id` of the type's schema, used as the CloudEvents `dataschema`. */
export function schemaIdOf(type: string): string {
  const schema = load().schemas.get(type);
  if (!schema) throw new RelaisError('SCHEMA_UNKNOWN', `no schema for event type ${type}`);
  return schema.$id;
}

export function eventSchema(type: string): SchemaDocument | undefined {
  return load().schemas.get(type);
}

export interface InvalidExample {
  /** JSON pointer (into the data) of the one field that makes it invalid. */
  field: string;
  why: string;
  data: unknown;
}

/**
 * The type's examples: the valid ones are the schema's own `examples`; the invalid ones sit in
 * schemas/examples/<type>.invalid.json, each breaking one field. Tests run both.
 */
export function eventExamples(type: string): { valid: unknown[]; invalid: InvalidExample[] } {
  const schema = load().schemas.get(type);
  if (!schema) throw new RelaisError('SCHEMA_UNKNOWN', `no schema for event type ${type}`);
  const valid = Array.isArray(schema['examples']) ? (schema['examples'] as unknown[]) : [];
  let invalid: InvalidExample[] = [];
  try {
    invalid = JSON.parse(readFileSync(join(here, 'examples', `${type}.invalid.json`), 'utf8')) as InvalidExample[];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return { valid, invalid };
}

/** Every schema document of the catalogue (events and shared definitions), for checks. */
export function catalogueDocuments(): SchemaDocument[] {
  return [...readSchemas('defs'), ...readSchemas('events'), ...readSchemas('envelopes')];
}

/** Issues found in `data` for `type` (empty when valid); `prefix` locates data in a request. */
export function validateEventData(type: string, data: unknown, prefix = ''): ValidationIssue[] {
  const validate = load().validators.get(type);
  if (!validate) throw new RelaisError('SCHEMA_UNKNOWN', `no schema for event type ${type}`);
  return validate(data) ? [] : toIssues(validate.errors, prefix);
}

/** `data` typed as the type's data when it is valid, or the issues found. */
export function parseEventData<T extends EventType>(type: T, data: unknown, prefix = ''): { ok: true; data: EventData<T> } | { ok: false; issues: ValidationIssue[] } {
  const issues = validateEventData(type, data, prefix);
  return issues.length === 0 ? { ok: true, data: data as EventData<T> } : { ok: false, issues };
}

/**
 * A delivery's data typed for its event type, or undefined when the delivery is of another
 * type. The router validated the whole event before projecting it, so every field present
 * has its schema's type; which fields are present depends on the route.
 */
export function deliveredData<T extends EventType>(delivery: { type: string; data: Record<string, unknown> }, type: T): DeliveredData<T> | undefined {
  return delivery.type === type ? (delivery.data as DeliveredData<T>) : undefined;
}

type SchemaNode = Record<string, unknown>;

function resolveRef(ref: string, base: string, byId: Map<string, SchemaDocument>): { node: SchemaNode; base: string } {
  const url = new URL(ref, base);
  const documentId = `${url.origin}${url.pathname}`;
  const document = byId.get(documentId);
  if (!document) throw new RelaisError('SCHEMA_UNKNOWN', `unresolvable $ref ${ref} from ${base}`);
  let node: unknown = document;
  for (const segment of url.hash.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    node = (node as SchemaNode)[decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return { node: node as SchemaNode, base: documentId };
}

/**
 * Every field path of an event type's data, as dot paths (`address`, `address.postcode`, …),
 * following `$ref`s. Flows name fields with these paths.
 */
export function fieldPaths(type: string): Set<string> {
  const { schemas, byId } = load();
  const root = schemas.get(type);
  if (!root) throw new RelaisError('SCHEMA_UNKNOWN', `no schema for event type ${type}`);
  const paths = new Set<string>();
  const walk = (node: SchemaNode, base: string, prefix: string, depth: number): void => {
    if (depth > 10) return;
    if (typeof node['$ref'] === 'string') {
      const target = resolveRef(node['$ref'], base, byId);
      walk(target.node, target.base, prefix, depth + 1);
    }
    const properties = node['properties'];
    if (properties && typeof properties === 'object') {
      for (const [name, child] of Object.entries(properties as Record<string, SchemaNode>)) {
        const path = prefix ? `${prefix}.${name}` : name;
        paths.add(path);
        walk(child, base, path, depth + 1);
      }
    }
  };
  walk(root, root.$id, '', 0);
  return paths;
}
