/**
 * Backward compatibility of a schema with its published version, in the sense of Confluent
 * Schema Registry's BACKWARD mode: a consumer using the new schema must accept every message
 * written against the published one. So the new schema may only accept more, never less.
 *
 * The comparison is structural and conservative: when it cannot prove that a change accepts
 * at least what the published version accepted (a changed pattern, a new `not`), it reports
 * the change. `$ref`s are followed on both sides, into the shared definitions, so a change to
 * `defs/common.json` is judged by every event that uses it.
 */

type Node = Record<string, unknown>;
type Schema = Node | boolean;

/** The rules a change can break (docs/events.md, "Evolution rules"). */
export const compatibilityRules = {
  'type-removed': 'a published event type has no schema any more',
  'field-removed': 'a field of a closed object was removed or renamed: published data carrying it would be rejected',
  'required-added': 'a field became required: published data without it would be rejected',
  'type-narrowed': 'a field accepts fewer JSON types than before',
  'enum-narrowed': 'a field accepts fewer values than before (enum or const)',
  'pattern-changed': 'a pattern was added or changed: published values may not match it',
  'format-changed': 'a format was added or changed: published values may not conform to it',
  'bound-tightened': 'a length, size, count or numeric bound is stricter than before',
  'additional-properties-closed': 'an object no longer accepts properties it used to accept',
  'constraint-changed': 'a constraint that cannot be compared was added or changed (anyOf, oneOf, allOf, not, if, dependencies…)',
  'ref-unresolvable': 'a $ref points nowhere',
} as const;

export type CompatibilityRule = keyof typeof compatibilityRules;

export interface CompatibilityIssue {
  /** The event type (or envelope) whose schema changed. */
  schema: string;
  /** JSON pointer into the event data; `*` stands for any item of a list or any other property. */
  field: string;
  rule: CompatibilityRule;
  detail: string;
}

export function formatIssue(issue: CompatibilityIssue): string {
  return `${issue.schema} ${issue.field || '/'}: ${issue.rule}: ${issue.detail}`;
}

/** Schema documents by `$id`, to follow `$ref`s. */
export type SchemaDocuments = Map<string, Node>;

interface Side {
  node: Schema;
  /** `$id` of the document the node sits in, the base for its relative `$ref`s. */
  base: string;
}

interface ObjectSide {
  node: Node;
  base: string;
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function resolve(side: Side, documents: SchemaDocuments, depth = 0): Side {
  if (typeof side.node === 'boolean' || typeof side.node['$ref'] !== 'string' || depth > 20) return side;
  const { $ref, ...siblings } = side.node;
  const url = new URL($ref, side.base);
  const documentId = `${url.origin}${url.pathname}`;
  let target: unknown = documents.get(documentId);
  for (const segment of url.hash.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    target = (target as Node | undefined)?.[decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  if (target === undefined || target === null || typeof target !== 'object') throw new UnresolvableRef(`${$ref} (from ${side.base})`);
  // Annotations beside a $ref (labels, descriptions) do not change what is accepted; keeping
  // the target itself when there is nothing else lets the cycle guard recognise it.
  const constraints = Object.entries(siblings).filter(([k]) => !annotations.has(k));
  const node = constraints.length === 0 ? (target as Node) : { ...(target as Node), ...Object.fromEntries(constraints) };
  return resolve({ node, base: documentId }, documents, depth + 1);
}

class UnresolvableRef extends Error {}

const annotations = new Set(['description', 'title', 'examples', 'x-relais-pii', '$comment', 'deprecated']);
const maxDepth = 64;

const jsonTypes = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'];

function typesOf(node: Node): string[] {
  const type = node['type'];
  if (typeof type === 'string') return [type];
  if (Array.isArray(type)) return type as string[];
  return jsonTypes;
}

const lowerBounds = ['minLength', 'minimum', 'exclusiveMinimum', 'minItems', 'minProperties', 'minContains'];
const upperBounds = ['maxLength', 'maximum', 'exclusiveMaximum', 'maxItems', 'maxProperties', 'maxContains'];
/** Keywords compared for equality only: any addition or change is reported. */
const opaque = [
  'not',
  'if',
  'then',
  'else',
  'dependentRequired',
  'dependentSchemas',
  'patternProperties',
  'propertyNames',
  'prefixItems',
  'contains',
  'unevaluatedProperties',
  'unevaluatedItems',
];

class Comparison {
  readonly issues: CompatibilityIssue[] = [];
  private readonly seen = new Map<object, Set<object>>();

  private readonly schema: string;
  private readonly before: SchemaDocuments;
  private readonly after: SchemaDocuments;

  constructor(schema: string, before: SchemaDocuments, after: SchemaDocuments) {
    this.schema = schema;
    this.before = before;
    this.after = after;
  }

  private report(field: string, rule: CompatibilityRule, detail: string): void {
    this.issues.push({ schema: this.schema, field, rule, detail });
  }

  compare(oldSide: Side, newSide: Side, field: string): void {
    if (field.split('/').length > maxDepth) return;
    let published: Side;
    let current: Side;
    try {
      published = resolve(oldSide, this.before);
      current = resolve(newSide, this.after);
    } catch (error) {
      if (error instanceof UnresolvableRef) return this.report(field, 'ref-unresolvable', error.message);
      throw error;
    }
    if (current.node === true || (typeof current.node === 'object' && Object.keys(current.node).length === 0)) return;
    if (published.node === false) return;
    if (current.node === false) return this.report(field, 'type-narrowed', 'the field accepts nothing any more');
    const oldNode = published.node === true ? {} : published.node;
    const newNode = current.node;
    if (this.seen.get(oldNode)?.has(newNode)) return;
    this.seen.set(oldNode, (this.seen.get(oldNode) ?? new Set()).add(newNode));

    this.compareTypes(oldNode, newNode, field);
    this.compareValues(oldNode, newNode, field);
    this.compareBounds(oldNode, newNode, field);
    this.compareObjects({ node: oldNode, base: published.base }, { node: newNode, base: current.base }, field);
    this.compareItems({ node: oldNode, base: published.base }, { node: newNode, base: current.base }, field);
    this.compareApplicators({ node: oldNode, base: published.base }, { node: newNode, base: current.base }, field);
  }

  private compareTypes(oldNode: Node, newNode: Node, field: string): void {
    const accepted = typesOf(newNode);
    const lost = typesOf(oldNode).filter((t) => !accepted.includes(t) && !(t === 'integer' && accepted.includes('number')));
    if (lost.length > 0) this.report(field, 'type-narrowed', `${lost.join(', ')} no longer accepted (now ${accepted.join(', ')})`);
  }

  private compareValues(oldNode: Node, newNode: Node, field: string): void {
    const valuesOf = (node: Node): unknown[] | undefined =>
      'const' in node ? [node['const']] : Array.isArray(node['enum']) ? (node['enum'] as unknown[]) : undefined;
    const newValues = valuesOf(newNode);
    if (newValues) {
      const oldValues = valuesOf(oldNode);
      const known = new Set(newValues.map((v) => JSON.stringify(v)));
      if (!oldValues) this.report(field, 'enum-narrowed', `values are now limited to ${[...known].join(', ')}`);
      else {
        const lost = oldValues.map((v) => JSON.stringify(v)).filter((v) => !known.has(v));
        if (lost.length > 0) this.report(field, 'enum-narrowed', `${lost.join(', ')} no longer accepted`);
      }
    }
    for (const keyword of ['pattern', 'format'] as const) {
      const now = newNode[keyword];
      if (now !== undefined && now !== oldNode[keyword]) {
        const before = oldNode[keyword] === undefined ? 'none' : JSON.stringify(oldNode[keyword]);
        this.report(
          field,
          keyword === 'pattern' ? 'pattern-changed' : 'format-changed',
          `${keyword} ${before} became ${JSON.stringify(now)}`,
        );
      }
    }
  }

  private compareBounds(oldNode: Node, newNode: Node, field: string): void {
    const check = (keyword: string, stricter: (now: number, before: number) => boolean): void => {
      const now = newNode[keyword];
      if (typeof now !== 'number') return;
      const before = oldNode[keyword];
      if (typeof before !== 'number' || stricter(now, before))
        this.report(field, 'bound-tightened', `${keyword} ${typeof before === 'number' ? before : 'none'} became ${now}`);
    };
    for (const keyword of lowerBounds) check(keyword, (now, before) => now > before);
    for (const keyword of upperBounds) check(keyword, (now, before) => now < before);
    check('multipleOf', (now, before) => before % now !== 0);
    if (newNode['uniqueItems'] === true && oldNode['uniqueItems'] !== true)
      this.report(field, 'bound-tightened', 'items must now be unique');
  }

  private compareObjects(oldSide: ObjectSide, newSide: ObjectSide, field: string): void {
    const oldProps = (oldSide.node['properties'] ?? {}) as Record<string, Schema>;
    const newProps = (newSide.node['properties'] ?? {}) as Record<string, Schema>;
    const oldRest: Schema = (oldSide.node['additionalProperties'] as Schema | undefined) ?? true;
    const newRest: Schema = (newSide.node['additionalProperties'] as Schema | undefined) ?? true;
    for (const [name, schema] of Object.entries(oldProps)) {
      const at = `${field}/${escape(name)}`;
      const now = newProps[name];
      if (now !== undefined) this.compare({ node: schema, base: oldSide.base }, { node: now, base: newSide.base }, at);
      else if (newRest === false)
        this.report(at, 'field-removed', `"${name}" is gone (removed or renamed): publish a new version of the type instead`);
      else this.compare({ node: schema, base: oldSide.base }, { node: newRest, base: newSide.base }, at);
    }
    // A property that is new here was, in published data, one of the "other" properties.
    for (const [name, schema] of Object.entries(newProps)) {
      if (!(name in oldProps) && oldRest !== false)
        this.compare({ node: oldRest, base: oldSide.base }, { node: schema, base: newSide.base }, `${field}/${escape(name)}`);
    }
    if (newRest === false && oldRest !== false)
      this.report(`${field}/*`, 'additional-properties-closed', 'other properties were accepted and are now rejected');
    else if (oldRest !== false) this.compare({ node: oldRest, base: oldSide.base }, { node: newRest, base: newSide.base }, `${field}/*`);
    const wasRequired = new Set((oldSide.node['required'] ?? []) as string[]);
    for (const name of (newSide.node['required'] ?? []) as string[]) {
      if (!wasRequired.has(name)) this.report(`${field}/${escape(name)}`, 'required-added', `"${name}" is now required`);
    }
  }

  private compareItems(oldSide: ObjectSide, newSide: ObjectSide, field: string): void {
    const newItems = newSide.node['items'] as Schema | undefined;
    if (newItems === undefined) return;
    this.compare(
      { node: (oldSide.node['items'] as Schema | undefined) ?? true, base: oldSide.base },
      { node: newItems, base: newSide.base },
      `${field}/*`,
    );
  }

  /** anyOf/oneOf: every published alternative must fit a current one; allOf: every current branch must accept the published schema. */
  private compareApplicators(oldSide: ObjectSide, newSide: ObjectSide, field: string): void {
    for (const keyword of ['anyOf', 'oneOf'] as const) {
      const branches = newSide.node[keyword] as Schema[] | undefined;
      if (!branches) continue;
      const { [keyword]: oldBranches, ...oldRest } = oldSide.node;
      const alternatives = (oldBranches as Schema[] | undefined) ?? [oldRest];
      alternatives.forEach((alternative, i) => {
        const fits = branches.some((branch) =>
          this.quietly((probe) => probe.compare({ node: alternative, base: oldSide.base }, { node: branch, base: newSide.base }, field)),
        );
        if (!fits) this.report(field, 'constraint-changed', `${keyword}: published alternative ${i} is not accepted by any current one`);
      });
    }
    for (const branch of (newSide.node['allOf'] ?? []) as Schema[]) this.compare(oldSide, { node: branch, base: newSide.base }, field);
    for (const keyword of opaque) {
      if (newSide.node[keyword] !== undefined && JSON.stringify(newSide.node[keyword]) !== JSON.stringify(oldSide.node[keyword])) {
        this.report(field, 'constraint-changed', `${keyword} was added or changed`);
      }
    }
  }

  private quietly(run: (probe: Comparison) => void): boolean {
    const probe = new Comparison(this.schema, this.before, this.after);
    run(probe);
    return probe.issues.length === 0;
  }
}

/**
 * What the current schema `current` (in the document set `after`) breaks for data written
 * against the published schema `published` (in `before`); empty when compatible.
 */
export function backwardIssues(
  name: string,
  published: { schema: Node; documents: SchemaDocuments },
  current: { schema: Node; documents: SchemaDocuments },
): CompatibilityIssue[] {
  const comparison = new Comparison(name, published.documents, current.documents);
  const idOf = (schema: Node): string => (typeof schema['$id'] === 'string' ? schema['$id'] : `urn:relais:${name}`);
  comparison.compare({ node: published.schema, base: idOf(published.schema) }, { node: current.schema, base: idOf(current.schema) }, '');
  return comparison.issues;
}
