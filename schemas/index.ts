/**
 * The catalogue of canonical event types: one JSON Schema per type and version under
 * schemas/events/, shared definitions under schemas/defs/. Validators are compiled once,
 * at first use, and shared by the gateway, the router and the connectors.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { createAjv, toIssues, type PiiLevel, type ValidationIssue } from './validation.ts';
import { isPiiLevel, PII_KEYWORD } from './pii.ts';
import type { EventDataByType } from './generated/events.ts';

/**
 * An event type or `$ref` the catalogue does not hold. It carries the stable code that
 * core/errors.ts lists (SCHEMA_UNKNOWN, not retriable), so the kernel reports it like any Relais
 * error, while the catalogue itself imports nothing of the kernel.
 */
export class SchemaUnknownError extends Error {
  readonly code = 'SCHEMA_UNKNOWN';
  readonly retriable = false;
  constructor(message: string) {
    super(message);
    this.name = 'SchemaUnknownError';
  }
}

export type * from './generated/events.ts';
export * from './generated/event-types.ts';

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
  ajv: ReturnType<typeof createAjv>;
  schemas: Map<string, SchemaDocument>;
  /** Compiled on first use of a type, once. */
  validators: Map<string, ValidateFunction>;
  /** Every document by `$id`, to follow `$ref`s. */
  byId: Map<string, SchemaDocument>;
  labels: Map<string, Map<string, PiiLevel>>;
}

let catalogue: Catalogue | undefined;
/** Bumped on every registration, so what is derived from the catalogue knows when to recompute. */
let revision = 0;

export function catalogueRevision(): number {
  load();
  return revision;
}

function typeOfSchema(schema: SchemaDocument): string {
  return schema.$id.replace(/^.*\/events\//, '').replace(/\.json$/, '');
}

function load(): Catalogue {
  if (catalogue) return catalogue;
  const ajv = createAjv();
  const byId = new Map<string, SchemaDocument>();
  for (const schema of readSchemas('defs')) {
    ajv.addSchema(schema);
    byId.set(schema.$id, schema);
  }
  catalogue = { ajv, schemas: new Map(), validators: new Map(), byId, labels: new Map() };
  for (const schema of readSchemas('events')) registerEventSchema(schema);
  return catalogue;
}

/**
 * Adds an event type to the catalogue of this process. The catalogue is schemas/events/; this
 * is for a type that is not there (a test's v2 during a migration). Its `$id` names the type.
 */
export function registerEventSchema(schema: SchemaDocument): string {
  const { schemas, byId, validators, labels } = load();
  const type = typeOfSchema(schema);
  validators.delete(type);
  labels.delete(type);
  schemas.set(type, schema);
  byId.set(schema.$id, schema);
  revision++;
  return type;
}

function validatorOf(type: string): ValidateFunction {
  const { ajv, schemas, validators } = load();
  const existing = validators.get(type);
  if (existing) return existing;
  const schema = schemas.get(type);
  if (!schema) throw new SchemaUnknownError(`no schema for event type ${type}`);
  const validate = ajv.compile(schema);
  validators.set(type, validate);
  return validate;
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
  if (!schema) throw new SchemaUnknownError(`no schema for event type ${type}`);
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
  if (!schema) throw new SchemaUnknownError(`no schema for event type ${type}`);
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
  const validate = validatorOf(type);
  return validate(data) ? [] : toIssues(validate.errors, prefix);
}

/** `data` typed as the type's data when it is valid, or the issues found. */
export function parseEventData<T extends EventType>(
  type: T,
  data: unknown,
  prefix = '',
): { ok: true; data: EventData<T> } | { ok: false; issues: ValidationIssue[] } {
  const issues = validateEventData(type, data, prefix);
  return issues.length === 0 ? { ok: true, data: data as EventData<T> } : { ok: false, issues };
}

/**
 * A delivery's data typed for its event type, or undefined when the delivery is of another
 * type. The router validated the whole event before projecting it, so every field present
 * has its schema's type; which fields are present depends on the route.
 */
export function deliveredData<T extends EventType>(
  delivery: { type: string; data: Record<string, unknown> },
  type: T,
): DeliveredData<T> | undefined {
  return delivery.type === type ? (delivery.data as DeliveredData<T>) : undefined;
}

type SchemaNode = Record<string, unknown>;

function resolveRef(ref: string, base: string, byId: Map<string, SchemaDocument>): { node: SchemaNode; base: string } {
  const url = new URL(ref, base);
  const documentId = `${url.origin}${url.pathname}`;
  const document = byId.get(documentId);
  if (!document) throw new SchemaUnknownError(`unresolvable $ref ${ref} from ${base}`);
  let node: unknown = document;
  for (const segment of url.hash.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    node = (node as SchemaNode)[decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return { node: node as SchemaNode, base: documentId };
}

/** One field of an event type's data, as `eachField` visits it. */
export interface FieldInfo {
  /** Dot path (`address.postcode`; `members.role` for a field of a list's items). */
  path: string;
  label: PiiLevel;
  required: boolean;
  /** The field's schema with its `$ref`s resolved (the label beside a `$ref` wins). */
  schema: SchemaNode;
}

function resolved(node: SchemaNode, base: string, byId: Map<string, SchemaDocument>, depth = 0): { node: SchemaNode; base: string } {
  if (typeof node['$ref'] !== 'string' || depth > 12) return { node, base };
  const { $ref: _ref, ...siblings } = node;
  const target = resolveRef(node['$ref'], base, byId);
  const inner = resolved(target.node, target.base, byId, depth + 1);
  return { node: { ...inner.node, ...siblings }, base: inner.base };
}

/** Visits every field of an event type's data, depth first, following `$ref`s and list items. */
export function eachField(type: string, visit: (field: FieldInfo) => void): void {
  const { schemas, byId } = load();
  const root = schemas.get(type);
  if (!root) throw new SchemaUnknownError(`no schema for event type ${type}`);
  const walk = (start: SchemaNode, startBase: string, prefix: string, depth: number): void => {
    if (depth > 12) return;
    let { node, base } = resolved(start, startBase, byId);
    if (node['items'] && typeof node['items'] === 'object') ({ node, base } = resolved(node['items'] as SchemaNode, base, byId));
    const required = new Set(Array.isArray(node['required']) ? (node['required'] as string[]) : []);
    for (const [name, child] of Object.entries((node['properties'] ?? {}) as Record<string, SchemaNode>)) {
      const path = prefix ? `${prefix}.${name}` : name;
      const field = resolved(child, base, byId);
      const items = field.node['items'];
      // Shown resolved too (a list of `person`s), for readers; the walk below resolves on its own.
      if (items && typeof items === 'object') field.node = { ...field.node, items: resolved(items as SchemaNode, field.base, byId).node };
      const label = child[PII_KEYWORD];
      // The schema check refuses unlabelled fields; should one slip through, it counts as sensitive.
      visit({ path, label: isPiiLevel(label) ? label : 'sensitive', required: required.has(name), schema: field.node });
      walk(child, base, path, depth + 1);
    }
  };
  walk(root, root.$id, '', 0);
}

/**
 * Every field of an event type's data with its personal-data label, by dot path. Flows name
 * fields with these paths; the router and the logger judge them by their label.
 */
export function fieldLabels(type: string): Map<string, PiiLevel> {
  const { labels } = load();
  const known = labels.get(type);
  if (known) return known;
  const found = new Map<string, PiiLevel>();
  eachField(type, (field) => found.set(field.path, field.label));
  labels.set(type, found);
  return found;
}

/** Every field path of an event type's data (see fieldLabels). */
export function fieldPaths(type: string): Set<string> {
  return new Set(fieldLabels(type).keys());
}
