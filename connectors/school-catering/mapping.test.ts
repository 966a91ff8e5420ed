/** The pure mapping, canonical deliveries → the billing software's vocabulary (fixtures/). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { type Delivery, MappingError } from '@relais/connector-kit';
import { toChangementAdresse, toCompositionFoyer, toDeclarationDeces } from './mapping.ts';

const fixture = (name: string): Delivery => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as Delivery;

test('an address: number and suffix in one field, no country', () => {
  assert.deepEqual(toChangementAdresse(fixture('address-delivery.json').data), {
    adresse: { numero: '3 bis', voie: 'rue des Lilas', complement: 'Bâtiment B', codePostal: '69003', ville: 'Lyon' },
    dateEffet: '2026-11-01',
  });
  assert.throws(() => toChangementAdresse({ address: { postcode: '69003' }, effectiveDate: '2026-11-01' }), MappingError);
});

test('a household: roles become the software’s links, given names one string', () => {
  const { membres } = toCompositionFoyer(fixture('household-delivery.json').data);
  assert.deepEqual(membres, [
    { nom: 'Martin', prenoms: 'Jeanne Marie', lien: 'DECLARANT', dateNaissance: '1984-05-17' },
    { nom: 'Durand', prenoms: 'Alex', lien: 'CONJOINT' },
    { nom: 'Martin', prenoms: 'Lucas', lien: 'ENFANT', dateNaissance: '2017-09-02', aCharge: true },
  ]);
  assert.throws(() => toCompositionFoyer({ effectiveDate: '2026-11-01', members: [{ role: 'child' }] }), MappingError);
});

test('a death: its date only', () => {
  assert.deepEqual(toDeclarationDeces(fixture('death-delivery.json').data), { dateDeces: '2026-11-20' });
  assert.throws(() => toDeclarationDeces({}), MappingError);
});
