import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backwardIssues, formatIssue, type CompatibilityRule } from './compatibility.ts';

type Node = Record<string, unknown>;

const defsId = 'https://relais.example/schemas/defs/common.json';
const eventId = 'https://relais.example/schemas/events/fr.relais.test.thing.v1.json';

/** A small published catalogue: one event using a shared definition, as the real ones do. */
function published(): { event: Node; defs: Node } {
  return {
    defs: {
      $id: defsId,
      $defs: {
        address: {
          type: 'object',
          additionalProperties: false,
          required: ['streetName', 'postcode'],
          properties: {
            streetName: { type: 'string', minLength: 1, maxLength: 100, 'x-relais-pii': 'location' },
            postcode: { type: 'string', pattern: '^[0-9]{5}$', 'x-relais-pii': 'location' },
            banId: { type: 'string', 'x-relais-pii': 'location' },
          },
        },
      },
    },
    event: {
      $id: eventId,
      type: 'object',
      additionalProperties: false,
      required: ['address'],
      properties: {
        address: { $ref: '../defs/common.json#/$defs/address', 'x-relais-pii': 'location' },
        kind: { type: 'string', enum: ['home', 'work'], 'x-relais-pii': 'none' },
        count: { type: 'number', minimum: 0, 'x-relais-pii': 'none' },
        tags: { type: 'array', items: { type: 'string' }, maxItems: 5, 'x-relais-pii': 'none' },
        note: { type: ['string', 'null'], 'x-relais-pii': 'sensitive' },
      },
    },
  };
}

function issuesAfter(change: (current: { event: Node; defs: Node }) => void) {
  const before = published();
  const after = published();
  change(after);
  const set = (c: { event: Node; defs: Node }) =>
    new Map([
      [defsId, c.defs],
      [eventId, c.event],
    ]);
  return backwardIssues(
    'fr.relais.test.thing.v1',
    { schema: before.event, documents: set(before) },
    { schema: after.event, documents: set(after) },
  );
}

const props = (node: Node) => node['properties'] as Record<string, Node>;
const address = (c: { defs: Node }) => (c.defs['$defs'] as Record<string, Node>)['address']!;

function assertBreaks(change: (current: { event: Node; defs: Node }) => void, rule: CompatibilityRule, field: string): void {
  const issues = issuesAfter(change);
  assert.ok(
    issues.some((i) => i.rule === rule && i.field === field),
    `expected ${rule} at ${field}, got: ${issues.map(formatIssue).join(' | ') || 'nothing'}`,
  );
}

test('an unchanged schema, and annotation-only changes, are compatible', () => {
  assert.deepEqual(
    issuesAfter(() => {}),
    [],
  );
  assert.deepEqual(
    issuesAfter((c) => {
      props(c.event)['kind']!['description'] = 'where';
      props(address(c))['banId']!['x-relais-pii'] = 'identity';
    }),
    [],
  );
});

test('field-removed: removing (or renaming) a field fails, naming schema, field and rule; adding an optional field passes', () => {
  const issues = issuesAfter((c) => delete props(c.event)['kind']);
  assert.equal(issues.length, 1);
  assert.match(formatIssue(issues[0]!), /^fr\.relais\.test\.thing\.v1 \/kind: field-removed: "kind" is gone/);
  assertBreaks(
    (c) => {
      props(c.event)['category'] = props(c.event)['kind']!;
      delete props(c.event)['kind'];
    },
    'field-removed',
    '/kind',
  );
  assert.deepEqual(
    issuesAfter((c) => (props(c.event)['comment'] = { type: 'string', 'x-relais-pii': 'sensitive' })),
    [],
  );
});

test('the check follows $refs into shared definitions', () => {
  assertBreaks((c) => delete props(address(c))['banId'], 'field-removed', '/address/banId');
  assert.deepEqual(
    issuesAfter((c) => (props(address(c))['complement'] = { type: 'string' })),
    [],
  );
  assertBreaks((c) => (props(c.event)['address'] = { $ref: '../defs/common.json#/$defs/adress' }), 'ref-unresolvable', '/address');
});

test('required-added: a new required field, or an optional one made required, fails', () => {
  assertBreaks(
    (c) => {
      props(c.event)['source'] = { type: 'string' };
      (c.event['required'] as string[]).push('source');
    },
    'required-added',
    '/source',
  );
  assertBreaks((c) => (address(c)['required'] as string[]).push('banId'), 'required-added', '/address/banId');
});

test('type-narrowed: fewer JSON types fails; more passes', () => {
  assertBreaks((c) => (props(c.event)['count']!['type'] = 'integer'), 'type-narrowed', '/count');
  assertBreaks((c) => (props(c.event)['note']!['type'] = 'string'), 'type-narrowed', '/note');
  assert.deepEqual(
    issuesAfter((c) => (props(c.event)['count']!['type'] = ['number', 'string'])),
    [],
  );
});

test('enum-narrowed: removing an enum value fails; adding one passes', () => {
  assertBreaks((c) => (props(c.event)['kind']!['enum'] = ['home']), 'enum-narrowed', '/kind');
  assertBreaks((c) => (props(c.event)['count']!['const'] = 1), 'enum-narrowed', '/count');
  assert.deepEqual(
    issuesAfter((c) => (props(c.event)['kind']!['enum'] = ['home', 'work', 'holiday'])),
    [],
  );
});

test('pattern-changed and format-changed: a new or different pattern or format fails; removing one passes', () => {
  assertBreaks((c) => (props(address(c))['postcode']!['pattern'] = '^[0-9]{4}$'), 'pattern-changed', '/address/postcode');
  assertBreaks((c) => (props(address(c))['streetName']!['pattern'] = '^[a-z ]+$'), 'pattern-changed', '/address/streetName');
  assertBreaks((c) => (props(address(c))['banId']!['format'] = 'uuid'), 'format-changed', '/address/banId');
  assert.deepEqual(
    issuesAfter((c) => delete props(address(c))['postcode']!['pattern']),
    [],
  );
});

test('bound-tightened: stricter lengths, counts and numeric bounds fail; looser ones pass', () => {
  assertBreaks((c) => (props(address(c))['streetName']!['maxLength'] = 50), 'bound-tightened', '/address/streetName');
  assertBreaks((c) => (props(c.event)['count']!['minimum'] = 1), 'bound-tightened', '/count');
  assertBreaks((c) => (props(c.event)['tags']!['maxItems'] = 3), 'bound-tightened', '/tags');
  assertBreaks((c) => (props(c.event)['tags']!['uniqueItems'] = true), 'bound-tightened', '/tags');
  assertBreaks((c) => ((props(c.event)['tags']!['items'] as Node)['maxLength'] = 10), 'bound-tightened', '/tags/*');
  assert.deepEqual(
    issuesAfter((c) => {
      props(address(c))['streetName']!['maxLength'] = 200;
      delete props(c.event)['count']!['minimum'];
      props(c.event)['tags']!['maxItems'] = 10;
    }),
    [],
  );
});

test('additional-properties-closed and constraint-changed: closing an open object or adding an anyOf fails', () => {
  const open = (c: { event: Node }): Node => (props(c.event)['extra'] = { type: 'object', properties: { a: { type: 'string' } } });
  const before = published();
  open(before);
  const after = published();
  open(after)['additionalProperties'] = false;
  const set = (c: { event: Node; defs: Node }) =>
    new Map([
      [defsId, c.defs],
      [eventId, c.event],
    ]);
  const issues = backwardIssues(
    'fr.relais.test.thing.v1',
    { schema: before.event, documents: set(before) },
    { schema: after.event, documents: set(after) },
  );
  assert.deepEqual(
    issues.map((i) => [i.field, i.rule]),
    [['/extra/*', 'additional-properties-closed']],
  );
  assertBreaks((c) => (c.event['anyOf'] = [{ required: ['kind'] }, { required: ['count'] }]), 'constraint-changed', '');
});
