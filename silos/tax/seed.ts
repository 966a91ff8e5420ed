/** Demo taxpayers for the quick start and the tests (fictitious people and tax numbers). */
import type { TaxStore } from './store.ts';

export const demoTaxpayers = [
  {
    taxId: '1000000000123',
    name: 'Martin',
    address: { number: '4', streetName: 'rue Garibaldi', postcode: '69006', communeName: 'Lyon', communeInsee: '69386', country: 'FR' },
  },
  {
    taxId: '1000000000456',
    name: 'Lefèvre',
    address: { number: '18', streetName: 'cours Gambetta', postcode: '69007', communeName: 'Lyon', communeInsee: '69387', country: 'FR' },
  },
  {
    taxId: '1000000000789',
    name: 'Nguyễn',
    address: { streetName: 'place Bellecour', postcode: '69002', communeName: 'Lyon', country: 'FR' },
  },
];

export function seedTaxStore(store: TaxStore): number {
  let added = 0;
  for (const taxpayer of demoTaxpayers) if (store.add(taxpayer)) added++;
  store.flush();
  return added;
}
