/** Who may make a citizen known to Relais (mayCreateCitizen): pure, no store. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFlows } from '../../core/flows/flows.ts';
import { mayCreateCitizen } from './accept.ts';

const flows = parseFlows([
  {
    file: 'first-sightings.yaml',
    text: `systems:
  social-services: { connector: social-services, firstSightings: allow }
  school-catering: { connector: school-catering }
routes: []
`,
  },
]);

test('only the issuing system, when its flow allows first sightings, or the register itself may create a citizen', () => {
  const social = { system: 'social-services', id: 'SS-999999' };
  const catering = { system: 'school-catering', id: 'PER-999999' };
  assert.equal(mayCreateCitizen(flows, { system: 'social-services' }, { reference: social }), true);
  assert.equal(mayCreateCitizen(flows, { system: undefined }, { reference: social }), false, 'a credential of no system');
  assert.equal(mayCreateCitizen(flows, { system: 'school-catering' }, { reference: social }), false, 'another system');
  assert.equal(mayCreateCitizen(flows, { system: 'school-catering' }, { reference: catering }), false, 'its flow refuses (default)');
  assert.equal(mayCreateCitizen(flows, { system: undefined }, { reference: { pivotId: '6f1c1a52-8a47-4c3e-9a43-5d8f1a0c2b11' } }), false);
  assert.equal(
    mayCreateCitizen(
      flows,
      { system: undefined },
      { reference: { system: 'civil-registry', id: 'EC-1' }, provenance: { method: 'civil-data-exact', by: 'dev' } },
    ),
    true,
    "the register's own answer to civil data",
  );
});
