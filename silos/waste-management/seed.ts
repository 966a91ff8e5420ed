/**
 * Demo data of the waste-management silo (fictitious households in Lyon) and the building
 * block the tests use to set up their own: a household at an address, its members, its bins
 * and one subscription per bin.
 */
import { utcNowSql, type SqlClient, type SqlQueryable } from '../../protocols/sql/sql-client.ts';

export interface NewAddress {
  numero?: string;
  indice?: string;
  libelle_voie: string;
  code_postal: string;
  commune: string;
  code_insee?: string;
}

/** A household member; the birth columns are optional, as many accounts were opened without them. */
export interface NewPerson {
  numero_usager: string;
  nom: string;
  prenom: string;
  qualite?: 'TITULAIRE' | 'MEMBRE';
  date_naissance?: string;
  commune_naissance?: string;
  code_insee_naissance?: string;
  pays_naissance?: string;
}

export interface NewHousehold {
  numero_foyer: string;
  adresse: NewAddress;
  usagers: NewPerson[];
  /** One bin and one subscription each; default: household waste 120 l and sorted waste 240 l. */
  bacs?: { flux: string; volume_litres: number }[];
  date_debut?: string;
}

const rounds = [
  { code_tournee: 'L3-OM-LUN', libelle: 'Lyon 3e — ordures ménagères, lundi', flux: 'OM', jour_collecte: 'LUNDI' },
  { code_tournee: 'L3-CS-JEU', libelle: 'Lyon 3e — collecte sélective, jeudi', flux: 'CS', jour_collecte: 'JEUDI' },
  { code_tournee: 'L7-OM-MAR', libelle: 'Lyon 7e — ordures ménagères, mardi', flux: 'OM', jour_collecte: 'MARDI' },
  { code_tournee: 'L7-CS-VEN', libelle: 'Lyon 7e — collecte sélective, vendredi', flux: 'CS', jour_collecte: 'VENDREDI' },
];

/** The collection rounds (idempotent). */
export async function seedRounds(db: SqlQueryable): Promise<void> {
  for (const round of rounds) {
    const exists = await db.query('SELECT 1 FROM tournee WHERE code_tournee = ?', [round.code_tournee]);
    if (exists.rows.length > 0) continue;
    await db.query('INSERT INTO tournee (code_tournee, libelle, flux, jour_collecte) VALUES (?, ?, ?, ?)', [
      round.code_tournee,
      round.libelle,
      round.flux,
      round.jour_collecte,
    ]);
  }
}

/** The rounds serving a postcode (the simulator's rule: 69007 → 7e rounds, else 3e). */
export async function roundsFor(db: SqlQueryable, codePostal: string): Promise<{ om: number | null; cs: number | null }> {
  const prefix = codePostal === '69007' ? 'L7' : 'L3';
  const found = await db.query<{ id_tournee: number; flux: string }>('SELECT id_tournee, flux FROM tournee WHERE code_tournee LIKE ?', [
    `${prefix}-%`,
  ]);
  return {
    om: found.rows.find((r) => r.flux === 'OM')?.id_tournee ?? null,
    cs: found.rows.find((r) => r.flux === 'CS')?.id_tournee ?? null,
  };
}

let chip = 0;
const nextChip = (): string => `PUCE-${Date.now().toString(36).toUpperCase()}-${(chip++).toString(36).toUpperCase()}`;

export async function addHousehold(db: SqlClient, household: NewHousehold): Promise<number> {
  return db.transaction(async (tx) => {
    const now = utcNowSql(tx.dialect);
    const a = household.adresse;
    const tour = await roundsFor(tx, a.code_postal);
    const existing = await tx.query<{ id_adresse: number }>(
      'SELECT id_adresse FROM adresse WHERE code_postal = ? AND libelle_voie = ? AND numero = ? AND indice = ?',
      [a.code_postal, a.libelle_voie, a.numero ?? '', a.indice ?? ''],
    );
    const idAdresse =
      existing.rows[0]?.id_adresse ??
      (await tx.insert(
        `INSERT INTO adresse (numero, indice, libelle_voie, code_postal, commune, code_insee, id_tournee_om, id_tournee_cs, date_creation) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ${now})`,
        [a.numero ?? '', a.indice ?? '', a.libelle_voie, a.code_postal, a.commune, a.code_insee ?? null, tour.om, tour.cs],
        'id_adresse',
      ));
    const idFoyer = await tx.insert(
      `INSERT INTO foyer (numero_foyer, id_adresse, nb_personnes, statut, date_creation, date_maj) VALUES (?, ?, ?, 'ACTIF', ${now}, ${now})`,
      [household.numero_foyer, idAdresse, household.usagers.length],
      'id_foyer',
    );
    for (const [i, u] of household.usagers.entries()) {
      await tx.query(
        `INSERT INTO usager (numero_usager, id_foyer, nom, prenom, qualite, statut, date_naissance, commune_naissance, code_insee_naissance, pays_naissance, date_maj)
         VALUES (?, ?, ?, ?, ?, 'ACTIF', ?, ?, ?, ?, ${now})`,
        [
          u.numero_usager,
          idFoyer,
          u.nom,
          u.prenom,
          u.qualite ?? (i === 0 ? 'TITULAIRE' : 'MEMBRE'),
          u.date_naissance ?? null,
          u.commune_naissance ?? null,
          u.code_insee_naissance ?? null,
          u.pays_naissance ?? null,
        ],
      );
    }
    for (const bin of household.bacs ?? [
      { flux: 'OM', volume_litres: 120 },
      { flux: 'CS', volume_litres: 240 },
    ]) {
      const idBac = await tx.insert(
        'INSERT INTO bac (numero_puce, flux, volume_litres, id_adresse) VALUES (?, ?, ?, ?)',
        [nextChip(), bin.flux, bin.volume_litres, idAdresse],
        'id_bac',
      );
      await tx.query(
        `INSERT INTO abonnement (id_foyer, id_adresse, id_bac, flux, volume_litres, date_debut, statut, date_maj) VALUES (?, ?, ?, ?, ?, ?, 'ACTIF', ${now})`,
        [idFoyer, idAdresse, idBac, bin.flux, bin.volume_litres, household.date_debut ?? '2020-01-01'],
      );
    }
    return idFoyer;
  });
}

export const DEMO_HOUSEHOLDS: readonly NewHousehold[] = [
  {
    numero_foyer: 'FOY-000123',
    adresse: { numero: '24', libelle_voie: 'rue Paul Bert', code_postal: '69003', commune: 'Lyon', code_insee: '69383' },
    usagers: [
      { numero_usager: 'USG-000123', nom: 'Martin', prenom: 'Jeanne' },
      { numero_usager: 'USG-000124', nom: 'Martin', prenom: 'Louis' },
    ],
  },
  {
    numero_foyer: 'FOY-000456',
    adresse: { numero: '3', indice: 'bis', libelle_voie: 'avenue Jean Jaurès', code_postal: '69007', commune: 'Lyon', code_insee: '69387' },
    usagers: [{ numero_usager: 'USG-000456', nom: 'Nguyen', prenom: 'Paul' }],
    bacs: [
      { flux: 'OM', volume_litres: 80 },
      { flux: 'CS', volume_litres: 120 },
    ],
  },
  {
    numero_foyer: 'FOY-000789',
    adresse: { numero: '8', libelle_voie: 'rue Servient', code_postal: '69003', commune: 'Lyon', code_insee: '69383' },
    usagers: [
      { numero_usager: 'USG-000789', nom: 'Benali', prenom: 'Samira' },
      { numero_usager: 'USG-000790', nom: 'Benali', prenom: 'Karim' },
      { numero_usager: 'USG-000791', nom: 'Benali', prenom: 'Inès' },
    ],
    bacs: [
      { flux: 'OM', volume_litres: 240 },
      { flux: 'CS', volume_litres: 240 },
    ],
  },
];

/** Loads the rounds and the demo households that are missing; returns how many households it added. */
export async function seedDemo(db: SqlClient): Promise<number> {
  await seedRounds(db);
  let added = 0;
  for (const household of DEMO_HOUSEHOLDS) {
    const exists = await db.query('SELECT 1 FROM foyer WHERE numero_foyer = ?', [household.numero_foyer]);
    if (exists.rows.length > 0) continue;
    await addHousehold(db, household);
    added++;
  }
  return added;
}
