import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFlows } from '../../core/flows/flows.ts';
import { formatRoutingTable, routingTable } from './routing-table.ts';

const flows = parseFlows([
  {
    file: 'flows/a.yaml',
    text: [
      'systems:',
      '  tax: { connector: tax }',
      '  social-services: { connector: social-services }',
      'routes:',
      '  - id: address',
      '    event: fr.relais.citizen.address.changed.v1',
      '    basis: { kind: legal-obligation, reference: LPF L135 }',
      '    filter: { field: data.address.country, equals: FR }',
      '    to:',
      '      - { system: tax, fields: [address.postcode] }',
      '      - { system: social-services, fields: [address.postcode, effectiveDate] }',
      '  - id: death',
      '    event: fr.relais.citizen.death.registered.v1',
      '    basis: { kind: public-task, reference: CASF }',
      '    to: [{ system: social-services, fields: [dateOfDeath] }]',
      '',
    ].join('\n'),
  },
]);

test('one row per event type and receiving system, sorted, with basis and fields', () => {
  const rows = routingTable(flows);
  assert.deepEqual(
    rows.map((r) => [r.event, r.system, r.basis, r.filtered, r.fields]),
    [
      ['fr.relais.citizen.address.changed.v1', 'social-services', 'legal-obligation', true, ['address.postcode', 'effectiveDate']],
      ['fr.relais.citizen.address.changed.v1', 'tax', 'legal-obligation', true, ['address.postcode']],
      ['fr.relais.citizen.death.registered.v1', 'social-services', 'public-task', false, ['dateOfDeath']],
    ],
  );
  assert.equal(rows[0]!.file, 'flows/a.yaml');
});

test('the text form groups systems under their event type', () => {
  assert.equal(
    formatRoutingTable(routingTable(flows)),
    [
      'fr.relais.citizen.address.changed.v1',
      '  → social-services  legal-obligation (filtered): address.postcode, effectiveDate',
      '  → tax              legal-obligation (filtered): address.postcode',
      '',
      'fr.relais.citizen.death.registered.v1',
      '  → social-services  public-task: dateOfDeath',
    ].join('\n'),
  );
});
