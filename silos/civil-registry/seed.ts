/**
 * Demo persons (fictitious) known to the register before its event log began. Jeanne Marie
 * Martin is also the social services' demo file SS-000123; the two Jean-Pierre Bernard are
 * homonyms born the same day (identity review demo).
 */
import type { Registre } from './registry.ts';
import type { Personne } from './types.ts';

export const DEMO_PERSONNES: readonly Personne[] = [
  {
    identifiant: 'EC-00000123',
    nomNaissance: 'MARTIN',
    prenoms: 'Jeanne Marie',
    sexe: 'F',
    dateNaissance: '1948-05-02',
    lieuNaissance: { commune: 'Lyon', codeInsee: '69123', codePays: 'FR' },
  },
  {
    identifiant: 'EC-00000456',
    nomNaissance: 'NGUYEN',
    prenoms: 'Paul',
    sexe: 'M',
    dateNaissance: '1979-11-23',
    lieuNaissance: { commune: 'Villeurbanne', codeInsee: '69266', codePays: 'FR' },
  },
  {
    identifiant: 'EC-00000901',
    nomNaissance: 'BERNARD',
    prenoms: 'Jean-Pierre',
    sexe: 'M',
    dateNaissance: '1962-07-14',
    lieuNaissance: { commune: 'Lyon', codeInsee: '69123', codePays: 'FR' },
  },
  {
    identifiant: 'EC-00000902',
    nomNaissance: 'BERNARD',
    prenoms: 'Jean-Pierre',
    sexe: 'M',
    dateNaissance: '1962-07-14',
    lieuNaissance: { commune: 'Bron', codeInsee: '69029', codePays: 'FR' },
  },
];

/** Adds the demo persons the register does not have yet; resolves to how many were added. */
export async function seedRegistre(registre: Registre, personnes: readonly Personne[] = DEMO_PERSONNES): Promise<number> {
  let added = 0;
  for (const personne of personnes) {
    try {
      registre.obtenir(personne.identifiant);
    } catch {
      await registre.ajouterPersonne(personne);
      added++;
    }
  }
  return added;
}
