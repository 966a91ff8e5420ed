/**
 * Demo families (fictitious people). Jeanne Marie Martin (PER-000123) is the quick start's demo
 * citizen, known to social services as SS-000123; her son eats at the canteen, her daughter
 * goes to the nursery.
 */
import { creerFamille } from './rules.ts';
import type { SchoolCateringStore } from './store.ts';
import type { NouvelleFamille } from './types.ts';

export const DEMO_FAMILLES: readonly NouvelleFamille[] = [
  {
    numeroFamille: 'FAM-000123',
    adresseFacturation: { numero: '12', voie: 'rue de la République', codePostal: '69002', ville: 'Lyon' },
    payeur: 'PER-000123',
    membres: [
      { numeroPersonne: 'PER-000123', nom: 'Martin', prenom: 'Jeanne', dateNaissance: '1984-05-17', role: 'RESPONSABLE_LEGAL' },
      { numeroPersonne: 'PER-000124', nom: 'Martin', prenom: 'Lucas', dateNaissance: '2017-09-02', role: 'ENFANT' },
      { numeroPersonne: 'PER-000125', nom: 'Martin', prenom: 'Emma', dateNaissance: '2024-01-20', role: 'ENFANT' },
    ],
    inscriptions: [
      { numeroPersonne: 'PER-000124', prestation: 'CANTINE', etablissement: 'École élémentaire Ampère', dateDebut: '2026-09-01' },
      { numeroPersonne: 'PER-000125', prestation: 'CRECHE', etablissement: 'Crèche des Célestins', dateDebut: '2025-01-06' },
    ],
  },
  {
    numeroFamille: 'FAM-000456',
    adresseFacturation: { numero: '3 bis', voie: 'avenue Jean Jaurès', codePostal: '69007', ville: 'Lyon' },
    payeur: 'PER-000456',
    membres: [
      { numeroPersonne: 'PER-000456', nom: 'Nguyen', prenom: 'Paul', role: 'RESPONSABLE_LEGAL' },
      { numeroPersonne: 'PER-000457', nom: 'Nguyen', prenom: 'Lina', dateNaissance: '2019-03-02', role: 'ENFANT' },
    ],
    inscriptions: [
      { numeroPersonne: 'PER-000457', prestation: 'CANTINE', etablissement: 'École maternelle Jean Macé', dateDebut: '2022-09-01' },
    ],
  },
];

/** Creates the families the store lacks; resolves to how many were added. */
export async function seedSchoolCatering(
  store: SchoolCateringStore,
  familles: readonly NouvelleFamille[] = DEMO_FAMILLES,
): Promise<number> {
  const now = new Date().toISOString();
  let added = 0;
  for (const demande of familles) if (await store.creer(creerFamille(demande, now))) added += 1;
  return added;
}
