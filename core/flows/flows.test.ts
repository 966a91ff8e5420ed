import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConnectors } from '../../connectors/loader.ts';
import { loadFlows, parseFlows } from './flows.ts';

const flowsDir = join(dirname(fileURLToPath(import.meta.url)), '../../flows');

function problemsOf(text: string, connectors?: string[]): string {
  try {
    parseFlows([{ file: 'flows/test.yaml', text }], connectors ? { connectors } : {});
  } catch (error) {
    return (error as Error).message;
  }
  assert.fail('expected the flow to be rejected');
}

const system = 'systems:\n  social-services:\n    connector: social-services\n';

test('the shipped flow files load and name only known types, fields and systems', async () => {
  const flows = loadFlows(flowsDir, { connectors: (await loadConnectors({})).kinds() });
  assert.ok(flows.routes.length >= 2);
  for (const system of ['social-services', 'waste-management', 'email']) assert.ok(flows.systems.has(system), system);
  assert.equal(flows.systems.get('email')?.role, 'notification');
});

test('a YAML syntax error is reported with file and line', () => {
  const message = problemsOf(`${system}routes:\n  - id: x\n    id: y\n`);
  assert.match(message, /flows\/test\.yaml:6: Map keys must be unique/);
});

test('a schema violation names the file, the line and the place in the file', () => {
  const message = problemsOf(
    `${system}routes:\n  - id: a-route\n    event: fr.relais.citizen.address.changed.v1\n    basis:\n      kind: because-we-can\n      reference: nothing\n    to:\n      - system: social-services\n        fields: [address]\n`,
  );
  assert.match(message, /flows\/test\.yaml:8: routes\[0\]\.basis\.kind: must be one of/);
});

test('unknown event type, unknown field, undeclared system and unknown connector are each reported at their line', () => {
  const message = problemsOf(
    [
      'systems:',
      '  social-services:',
      '    connector: ftp-thing',
      'routes:',
      '  - id: r1',
      '    event: fr.relais.citizen.nothing.happened.v1',
      '    basis: { kind: public-task, reference: some law }',
      '    to: [{ system: social-services, fields: [a] }]',
      '  - id: r2',
      '    event: fr.relais.citizen.address.changed.v1',
      '    basis: { kind: public-task, reference: some law }',
      '    filter: { field: data.address.zipcode, equals: "69003" }',
      '    to:',
      '      - system: tax',
      '        fields: [address.postcode, adress.street]',
      '',
    ].join('\n'),
    ['social-services'],
  );
  assert.match(message, /test\.yaml:3: systems\.social-services\.connector: unknown connector "ftp-thing"/);
  assert.match(message, /test\.yaml:6: routes\[0\]\.event: unknown event type/);
  assert.match(message, /test\.yaml:12: routes\[1\]\.filter\.field: "data\.address\.zipcode" is not a field/);
  assert.match(message, /test\.yaml:14: routes\[1\]\.to\[0\]\.system: system "tax" is not declared/);
  assert.match(message, /test\.yaml:15: routes\[1\]\.to\[0\]\.fields\[1\]: "adress\.street" is not a field/);
});

test('one system receiving one event type through two routes is refused', () => {
  const route = (id: string) =>
    `  - id: ${id}\n    event: fr.relais.citizen.address.changed.v1\n    basis: { kind: public-task, reference: some law }\n    to: [{ system: social-services, fields: [address] }]\n`;
  const message = problemsOf(`${system}routes:\n${route('first')}${route('second')}`);
  assert.match(message, /already receives fr\.relais\.citizen\.address\.changed\.v1 through route "first"/);
});

test('YAML alias errors are reported with file and line: no anchor, a cycle, an expansion bomb', () => {
  assert.match(problemsOf(`${system}routes:\n  - *missing\n`), / flows\/test\.yaml:5: alias \*missing has no anchor &missing before it$/m);
  assert.match(
    problemsOf(`${system}extra: &loop\n  again: *loop\n`),
    / flows\/test\.yaml:5: alias \*loop is inside its own anchor \(a cycle\)$/m,
  );
  const bomb = ['a: &a [x, x]', `b: &b [${Array(10).fill('*a').join(', ')}]`, `c: &c [${Array(10).fill('*b').join(', ')}]`];
  assert.match(
    problemsOf(`${system}${bomb.join('\n')}\nd: [${Array(10).fill('*c').join(', ')}]\n`),
    / flows\/test\.yaml:5: .*alias count/m,
  );
});

test('an alias to an earlier anchor is allowed', () => {
  const route = (id: string, event: string, basis: string, field: string): string =>
    `  - id: ${id}\n    event: ${event}\n    basis: ${basis}\n    to:\n      - system: social-services\n        fields: [${field}]\n`;
  const text = `${system}routes:\n${route('first', 'fr.relais.citizen.address.changed.v1', '&basis { kind: public-task, reference: some law }', 'address')}${route('second', 'fr.relais.citizen.death.registered.v1', '*basis', 'dateOfDeath')}`;
  const flows = parseFlows([{ file: 'flows/test.yaml', text }], {});
  assert.deepEqual(flows.routes[1]?.basis, flows.routes[0]?.basis);
});

test('onDeath: family-contact is for notification systems only, named at its line', () => {
  const route = (target: string) =>
    `  - id: death-to-${target}\n    event: fr.relais.citizen.death.registered.v1\n    basis: { kind: public-task, reference: CRPA }\n    to:\n      - system: ${target}\n        onDeath: family-contact\n        fields: [dateOfDeath]\n`;
  const systems = `${system}  email:\n    connector: email\n    role: notification\n`;
  assert.match(
    problemsOf(`${systems}routes:\n${route('social-services')}`),
    /test\.yaml:\d+: .*onDeath: onDeath family-contact needs a notification system/,
  );
  const flows = parseFlows([{ file: 'flows/test.yaml', text: `${systems}routes:\n${route('email')}` }], {});
  assert.equal(flows.routes[0]?.to[0]?.onDeath, 'family-contact');
});

test('objection: allowed is declared on a basis, and refused on a legal obligation', () => {
  const route = (kind: string) =>
    `${system}routes:\n  - id: a-route\n    event: fr.relais.citizen.address.changed.v1\n    basis:\n      kind: ${kind}\n      reference: some law\n      objection: allowed\n    to:\n      - system: social-services\n        fields: [address]\n`;
  assert.match(problemsOf(route('legal-obligation')), /flows\/test\.yaml:\d+: routes\[0\]\.basis(\.objection)?: /);
  assert.equal(parseFlows([{ file: 'flows/test.yaml', text: route('public-task') }]).routes[0]?.basis.objection, 'allowed');
});
