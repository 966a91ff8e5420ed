import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFlows } from './flows.ts';
import { concernedOnly, planDeliveries, project } from './plan.ts';

const flows = parseFlows([
  {
    file: 'flows/plan.yaml',
    text: `
systems:
  social-services: { connector: social-services }
  tax: { connector: tax }
  waste: { connector: waste }
routes:
  - id: address-public-task
    event: fr.relais.citizen.address.changed.v1
    basis: { kind: public-task, reference: some law }
    filter: { field: data.address.country, equals: FR }
    to:
      - { system: social-services, fields: [address.streetName, address.postcode, effectiveDate] }
      - { system: tax, audience: residents, fields: [address, effectiveDate] }
  - id: address-on-request
    event: fr.relais.citizen.address.changed.v1
    basis: { kind: citizen-request, reference: the citizen asked }
    filter: { any: [{ field: channel, in: [web, mobile] }, { field: data.address.communeInsee, startsWith: "69" }] }
    to:
      - { system: waste, fields: [address.communeInsee] }
`,
  },
]);

const data = {
  address: {
    number: '12',
    streetName: 'rue des Lilas',
    postcode: '69003',
    communeName: 'Lyon',
    communeInsee: '69383',
    country: 'FR',
    banId: 'x',
  },
  effectiveDate: '2026-11-01',
  previousAddress: { streetName: 'old', postcode: '75001', communeName: 'Paris', country: 'FR' },
};
const type = 'fr.relais.citizen.address.changed.v1';

test('each recipient gets only its allow-listed fields', () => {
  const { deliveries } = planDeliveries(flows, { type, data, channel: 'desk' });
  assert.deepEqual(
    deliveries.map((d) => [d.system, d.data]),
    [
      ['social-services', { address: { streetName: 'rue des Lilas', postcode: '69003' }, effectiveDate: '2026-11-01' }],
      ['tax', { address: data.address, effectiveDate: '2026-11-01' }],
    ],
  );
});

test('the system an event came from never receives it back', () => {
  const { systems } = planDeliveries(flows, { type, data, origin: 'tax' });
  assert.deepEqual(systems, ['social-services']);
});

test('under a citizen-request basis only the systems the citizen chose receive it', () => {
  assert.ok(!planDeliveries(flows, { type, data, channel: 'web' }).systems.includes('waste'));
  const chosen = planDeliveries(flows, { type, data, channel: 'web', recipients: ['waste'] });
  assert.deepEqual(chosen.deliveries.find((d) => d.system === 'waste')?.data, { address: { communeInsee: '69383' } });
  // Choosing recipients does not remove systems that receive it under another basis.
  assert.deepEqual(chosen.systems, ['social-services', 'tax', 'waste']);
  assert.deepEqual(
    chosen.deliveries.map((d) => d.system),
    chosen.systems,
    'the systems recorded as pending are the ones the router delivers to',
  );
});

test('filters decide: a foreign address goes nowhere on the public-task route', () => {
  const abroad = { ...data, address: { ...data.address, country: 'BE', communeInsee: undefined } };
  assert.deepEqual(planDeliveries(flows, { type, data: abroad, channel: 'desk' }), { systems: [], deliveries: [] });
});

test('an event type with no route is delivered nowhere', () => {
  assert.deepEqual(planDeliveries(flows, { type: 'fr.relais.citizen.death.registered.v1', data: {} }), { systems: [], deliveries: [] });
});

test('projection keeps nested paths, whole objects and lists element by element', () => {
  assert.deepEqual(project({ a: { b: 1, c: 2 }, d: 3 }, ['a.b']), { a: { b: 1 } });
  assert.deepEqual(project({ a: { b: 1, c: 2 }, d: 3 }, ['a']), { a: { b: 1, c: 2 } });
  assert.deepEqual(project({ m: [{ r: 'x', n: 'secret' }, { r: 'y' }] }, ['m.r']), { m: [{ r: 'x' }, { r: 'y' }] });
  assert.deepEqual(project({ a: 1 }, ['missing.path']), {});
});

test('a named object carries its sub-fields of the same label (or none); another kind of personal data must be named', () => {
  const household = 'fr.relais.citizen.household.changed.v1';
  const labelled = parseFlows([
    {
      file: 'flows/household.yaml',
      text: `
systems:
  tax: { connector: tax }
  waste: { connector: waste }
routes:
  - id: household
    event: ${household}
    basis: { kind: legal-obligation, reference: some law }
    to:
      - { system: tax, fields: [members.dependent, members, effectiveDate] }
      - { system: waste, fields: [members] }
`,
    },
  ]);
  const members = [
    { pivotId: '6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b', name: { birthName: 'Martin', givenNames: ['Camille'] }, role: 'reference-person' },
    { name: { birthName: 'Martin', givenNames: ['Léa'] }, dateOfBirth: '2026-11-03', role: 'child', dependent: true },
  ];
  const { deliveries } = planDeliveries(labelled, { type: household, data: { effectiveDate: '2026-11-01', members } });
  // `dependent` is labelled sensitive inside identity records: only the route that names it gets it.
  assert.deepEqual(deliveries.find((d) => d.system === 'waste')?.data, {
    members: members.map(({ dependent: _dependent, ...rest }) => rest),
  });
  assert.deepEqual(deliveries.find((d) => d.system === 'tax')?.data, { effectiveDate: '2026-11-01', members });
});

test('the reference directory: a holders recipient without a file is not concerned, a residents one always is', () => {
  const plan = planDeliveries(flows, { type: 'fr.relais.citizen.address.changed.v1', data, channel: 'web', recipients: ['waste'] });
  assert.deepEqual(
    plan.deliveries.map((d) => [d.system, d.audience]),
    [
      ['social-services', 'holders'],
      ['tax', 'residents'],
      ['waste', 'holders'],
    ],
  );
  const concerned = concernedOnly(plan, (system) => system === 'waste');
  assert.deepEqual(concerned.systems, ['tax', 'waste']);
  assert.deepEqual(
    concerned.deliveries.map((d) => d.system),
    ['tax', 'waste'],
  );
  assert.deepEqual(concerned.notConcerned, [{ system: 'social-services', reason: 'no-file' }]);
  assert.deepEqual(concernedOnly(plan, () => true).notConcerned, []);
});

test('after a death: a family-contact route is concerned when a contact is declared, else not concerned (no-family-contact)', () => {
  const plan = {
    systems: ['email', 'waste'],
    deliveries: [
      {
        system: 'email',
        routeId: 'r1',
        basis: 'public-task' as const,
        basisReference: 'x',
        data: {},
        audience: 'holders' as const,
        onDeath: 'family-contact' as const,
      },
      { system: 'waste', routeId: 'r2', basis: 'public-task' as const, basisReference: 'x', data: {}, audience: 'holders' as const },
    ],
  };
  const noFileAnywhere = () => false;
  // The deceased's own file in email does not matter: the contact is the recipient.
  assert.deepEqual(concernedOnly(plan, noFileAnywhere, { familyContact: true }).systems, ['email']);
  assert.deepEqual(concernedOnly(plan, noFileAnywhere, { familyContact: false }).notConcerned, [
    { system: 'email', reason: 'no-family-contact' },
    { system: 'waste', reason: 'no-file' },
  ]);
  // Alive (no bereavement): the route is an ordinary holders route.
  assert.deepEqual(concernedOnly(plan, (s) => s === 'email').systems, ['email']);
  assert.deepEqual(
    concernedOnly(plan, noFileAnywhere).notConcerned.map((n) => n.reason),
    ['no-file', 'no-file'],
  );
});
