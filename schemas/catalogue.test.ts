import { test } from 'node:test';
import assert from 'node:assert/strict';
import { catalogueDocuments, eventExamples, eventTypes, schemaIdOf, validateEventData } from './index.ts';
import { labelProblems } from './pii.ts';
import * as constants from './generated/event-types.ts';
import { constantNameOf } from '../scripts/event-types.ts';

/** The shared names every helper and flow relies on (brief "Shared names"). */
const catalogue = [
  'fr.relais.change.settled.v1',
  'fr.relais.citizen.address.changed.v1',
  'fr.relais.citizen.death.registered.v1',
  'fr.relais.citizen.name.changed.v1',
  'fr.relais.citizen.contact.changed.v1',
  'fr.relais.citizen.birth.registered.v1',
  'fr.relais.citizen.marriage.registered.v1',
  'fr.relais.citizen.pacs.registered.v1',
  'fr.relais.citizen.pacs.dissolved.v1',
  'fr.relais.citizen.household.changed.v1',
  'fr.relais.service-request.submitted.v1',
  'fr.relais.service-request.updated.v1',
  'fr.relais.service-request.resolved.v1',
];

test('the catalogue has a schema for every event type, its $id named after the type', () => {
  assert.deepEqual(eventTypes().sort(), [...catalogue].sort());
  for (const type of catalogue) assert.equal(schemaIdOf(type), `https://relais.example/schemas/events/${type}.json`);
});

for (const type of catalogue) {
  test(`${type}: valid examples pass, each invalid example fails on its one field`, () => {
    const { valid, invalid } = eventExamples(type);
    assert.ok(valid.length > 0, 'at least one valid example');
    assert.ok(invalid.length > 0, 'at least one invalid example');
    valid.forEach((data, i) => assert.deepEqual(validateEventData(type, data), [], `valid example ${i}`));
    for (const example of invalid) {
      const issues = validateEventData(type, example.data);
      assert.ok(issues.length > 0, `"${example.why}" should be rejected`);
      for (const issue of issues) {
        assert.ok(
          issue.field === example.field || issue.field.startsWith(`${example.field === '/' ? '' : example.field}/`),
          `"${example.why}": expected ${example.field}, got ${issue.field} ${issue.message}`,
        );
      }
    }
  });
}

test('every property of every schema carries a personal-data label', () => {
  assert.deepEqual(catalogueDocuments().flatMap(labelProblems), []);
});

test('the label check names the schema and the pointer of an unlabelled or mislabelled property', () => {
  const problems = labelProblems({
    $id: 'https://relais.example/schemas/events/test.json',
    type: 'object',
    properties: {
      ok: { type: 'string', 'x-relais-pii': 'none' },
      nested: { type: 'object', 'x-relais-pii': 'none', properties: { nir: { type: 'string' } } },
    },
    $defs: { thing: { type: 'object', properties: { email: { type: 'string', 'x-relais-pii': 'secret' } } } },
  });
  assert.deepEqual(
    problems.map((p) => [p.schema, p.pointer]),
    [
      ['https://relais.example/schemas/events/test.json', '/properties/nested/properties/nir'],
      ['https://relais.example/schemas/events/test.json', '/$defs/thing/properties/email'],
    ],
  );
  assert.match(problems[0]!.message, /no x-relais-pii label/);
});

test('each event type has one generated constant, named by the rule (docs/events.md)', () => {
  assert.deepEqual(
    Object.entries(constants).sort(),
    eventTypes()
      .map((type) => [constantNameOf(type), type])
      .sort(),
  );
  assert.equal(constants.ADDRESS_CHANGED_V1, 'fr.relais.citizen.address.changed.v1');
  assert.equal(constants.SERVICE_REQUEST_SUBMITTED_V1, 'fr.relais.service-request.submitted.v1');
});
