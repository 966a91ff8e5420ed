import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCatalogue, publishCatalogue, schemasDir } from './governance.ts';

type Node = Record<string, unknown>;
const ADDRESS = 'events/fr.relais.citizen.address.changed.v1.json';

/** A copy of the repository's schemas/ (published snapshots included) to break at will. */
function copyOfSchemas(): { root: string; edit: (file: string, change: (schema: Node) => void) => void; [Symbol.dispose]: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'relais-schemas-'));
  cpSync(schemasDir, root, { recursive: true, filter: (path) => !path.endsWith('.ts') });
  return {
    root,
    edit(file, change) {
      const schema = JSON.parse(readFileSync(join(root, file), 'utf8')) as Node;
      change(schema);
      writeFileSync(join(root, file), JSON.stringify(schema, null, 2));
    },
    [Symbol.dispose]: () => rmSync(root, { recursive: true, force: true }),
  };
}

const properties = (schema: Node) => schema['properties'] as Record<string, Node>;

test('the repository catalogue passes the check and every event type is published', () => {
  const { problems, unpublished } = checkCatalogue();
  assert.deepEqual(problems, []);
  assert.deepEqual(unpublished, []);
});

test('removing a field from a published schema fails the check, naming the schema, the field and the rule', () => {
  using copy = copyOfSchemas();
  copy.edit(ADDRESS, (schema) => delete properties(schema)['previousAddress']);
  const { problems } = checkCatalogue(copy.root);
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /^fr\.relais\.citizen\.address\.changed\.v1 \/previousAddress: field-removed: /);
  assert.throws(() => publishCatalogue(copy.root), /nothing published/);
});

test('removing a field from a shared definition fails for every published event that uses it', () => {
  using copy = copyOfSchemas();
  copy.edit('defs/common.json', (schema) => delete properties((schema['$defs'] as Record<string, Node>)['address']!)['banId']);
  const { problems } = checkCatalogue(copy.root);
  assert.ok(
    problems.includes(
      'fr.relais.citizen.address.changed.v1 /address/banId: field-removed: "banId" is gone (removed or renamed): publish a new version of the type instead',
    ),
    problems.join('\n'),
  );
  assert.ok(problems.some((p) => p.startsWith('fr.relais.service-request.submitted.v1 /location/address/banId: field-removed')));
});

test('adding an optional field passes and can be published; the snapshot then holds it', () => {
  using copy = copyOfSchemas();
  copy.edit(ADDRESS, (schema) => (properties(schema)['movedFrom'] = { type: 'string', maxLength: 100, 'x-relais-pii': 'location' }));
  assert.deepEqual(checkCatalogue(copy.root).problems, []);
  assert.deepEqual(publishCatalogue(copy.root), [ADDRESS]);
  const snapshot = JSON.parse(readFileSync(join(copy.root, 'published', ADDRESS), 'utf8')) as Node;
  assert.ok('movedFrom' in properties(snapshot));
  assert.deepEqual(publishCatalogue(copy.root), []);
});

test('a breaking change is a new version: v2 is published beside v1, and deleting a published type fails', () => {
  using copy = copyOfSchemas();
  const v1 = JSON.parse(readFileSync(join(copy.root, ADDRESS), 'utf8')) as Node;
  const v2 = {
    ...v1,
    $id: String(v1['$id']).replace('.v1.json', '.v2.json'),
    title: 'Address changed (v2)',
    required: ['address', 'effectiveDate', 'previousAddress'],
  };
  const v1Example = (v1['examples'] as Node[])[0]!;
  writeFileSync(
    join(copy.root, 'events/fr.relais.citizen.address.changed.v2.json'),
    JSON.stringify({ ...v2, examples: [{ ...v1Example, previousAddress: v1Example['address'] }] }),
  );
  const invalid = [{ field: '/previousAddress', why: 'v2 requires the previous address', data: v1Example }];
  writeFileSync(join(copy.root, 'examples/fr.relais.citizen.address.changed.v2.invalid.json'), JSON.stringify(invalid));
  assert.deepEqual(checkCatalogue(copy.root), { problems: [], unpublished: ['fr.relais.citizen.address.changed.v2'] });
  assert.deepEqual(publishCatalogue(copy.root), ['events/fr.relais.citizen.address.changed.v2.json']);
  unlinkSync(join(copy.root, ADDRESS));
  assert.match(checkCatalogue(copy.root).problems.join('\n'), /^fr\.relais\.citizen\.address\.changed\.v1 \/: type-removed: /m);
});

test('an unlabelled field, a failing valid example and an accepted invalid example fail the check', () => {
  using copy = copyOfSchemas();
  copy.edit(ADDRESS, (schema) => {
    properties(schema)['note'] = { type: 'string' };
    (schema['examples'] as Node[]).push({ effectiveDate: '2026-11-01' });
  });
  copy.edit('examples/fr.relais.citizen.address.changed.v1.invalid.json', (examples) => {
    (examples as unknown as Node[])[0]!['data'] = {
      address: { streetName: 'rue', postcode: '69003', communeName: 'Lyon', country: 'FR' },
      effectiveDate: '2026-11-01',
    };
  });
  const { problems } = checkCatalogue(copy.root);
  assert.ok(
    problems.includes(
      'https://relais.example/schemas/events/fr.relais.citizen.address.changed.v1.json#/properties/note: property "note" has no x-relais-pii label',
    ),
    problems.join('\n'),
  );
  assert.ok(problems.includes('fr.relais.citizen.address.changed.v1: valid example 1 fails: /address is required'), problems.join('\n'));
  assert.ok(
    problems.some((p) => /invalid example "a postcode has five digits" is accepted/.test(p)),
    problems.join('\n'),
  );
});
