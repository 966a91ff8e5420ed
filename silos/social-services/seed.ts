/** Demo beneficiaries' files (fictitious people) and a function to load them into a store. */
import { ouvrirDossier } from './dossier-rules.ts';
import type { SocialServicesStore } from './store.ts';
import type { NouveauDossier } from './types.ts';

export const DEMO_DOSSIERS: readonly NouveauDossier[] = [
  {
    numeroDossier: 'SS-000123',
    nom: 'Martin',
    prenoms: 'Jeanne Marie',
    adresse: {
      numeroVoie: '12',
      libelleVoie: 'rue de la République',
      codePostal: '69002',
      commune: 'Lyon',
      codeInsee: '69382',
      pays: 'FRANCE',
    },
  },
  {
    numeroDossier: 'SS-000456',
    nom: 'Nguyen',
    prenoms: 'Paul',
    adresse: {
      numeroVoie: '3',
      indiceRepetition: 'bis',
      libelleVoie: 'avenue Jean Jaurès',
      codePostal: '69007',
      commune: 'Lyon',
      codeInsee: '69387',
      pays: 'FRANCE',
    },
  },
  {
    // Jean-Pierre Bernard born in Lyon (the register's EC-00000901): the homonym the quick
    // start's civil-data example decides for (silos/civil-registry/simulator.ts).
    numeroDossier: 'SS-000901',
    nom: 'Bernard',
    prenoms: 'Jean-Pierre',
    adresse: {
      numeroVoie: '7',
      libelleVoie: 'place Bellecour',
      codePostal: '69002',
      commune: 'Lyon',
      codeInsee: '69382',
      pays: 'FRANCE',
    },
  },
  {
    numeroDossier: 'SS-000789',
    nom: 'Benali',
    prenoms: 'Samira Leïla',
    adresse: {
      numeroVoie: '8',
      libelleVoie: 'chemin des Vignes',
      complement: 'Bâtiment B, escalier 2',
      codePostal: '69140',
      commune: 'Rillieux-la-Pape',
      codeInsee: '69286',
      pays: 'FRANCE',
    },
  },
];

/** Opens the given files in the store, skipping numbers it already has; resolves to how many were added. */
export async function seedStore(store: SocialServicesStore, dossiers: readonly NouveauDossier[] = DEMO_DOSSIERS): Promise<number> {
  const now = new Date().toISOString();
  let added = 0;
  for (const demande of dossiers) {
    if (await store.createDossier(ouvrirDossier(demande, now))) added += 1;
  }
  return added;
}
