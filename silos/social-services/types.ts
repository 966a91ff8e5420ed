/**
 * The legacy system's own data shapes, as described in openapi.yaml (components/schemas).
 * The validation itself is done against openapi.yaml (see validation.ts); these types only
 * describe what the code handles once a body has passed it.
 */

export interface Adresse {
  numeroVoie?: string;
  indiceRepetition?: string;
  libelleVoie: string;
  complement?: string;
  codePostal: string;
  commune: string;
  codeInsee?: string;
  pays?: string;
}

/** An address as a file holds it: the country always filled in (FRANCE by default). */
export type AdresseEnregistree = Adresse & { pays: string };

export type StatutDossier = 'ouvert' | 'clos';
export type MotifCloture = 'DECES' | 'DEMENAGEMENT_HORS_DEPARTEMENT' | 'AUTRE';

export interface Dossier {
  numeroDossier: string;
  statut: StatutDossier;
  nom: string;
  prenoms: string;
  adresse: AdresseEnregistree;
  dateEffetAdresse?: string;
  dateCloture?: string;
  motifCloture?: MotifCloture;
  dateDeces?: string;
  misAJourLe: string;
}

export interface NouveauDossier {
  numeroDossier: string;
  nom: string;
  prenoms: string;
  adresse: Adresse;
}

export interface ChangementAdresse {
  adresse: Adresse;
  dateEffet: string;
}

export interface DemandeCloture {
  motif: MotifCloture;
  dateDeces?: string;
  dateCloture: string;
}

export type OperationEcriture = 'changerAdresse' | 'cloturerDossier';

export type CodeErreur =
  | 'NON_AUTHENTIFIE'
  | 'DOSSIER_INCONNU'
  | 'DOSSIER_EXISTANT'
  | 'DOSSIER_CLOS'
  | 'REQUETE_INVALIDE'
  | 'CORPS_ILLISIBLE'
  | 'CLE_IDEMPOTENCE_MANQUANTE'
  | 'CLE_IDEMPOTENCE_REUTILISEE'
  | 'REFUS_SIMULE'
  | 'ERREUR_SIMULEE'
  | 'RESSOURCE_INCONNUE'
  | 'ERREUR_INTERNE';

export interface Erreur {
  code: CodeErreur;
  message: string;
}

export type ModePanne = 'aucune' | 'erreur' | 'lenteur' | 'refus';

export interface EntreeJournal {
  operation: OperationEcriture;
  idempotencyKey: string | null;
  /** The body exactly as received: decoded JSON, the raw text if it was not JSON, null if empty. */
  body: unknown;
  recuLe: string;
  statutHttp: number;
  rejoue: boolean;
  codeErreur?: CodeErreur;
  panne?: Exclude<ModePanne, 'aucune'>;
}

/** A response kept for an idempotency key, replayed as is when the key comes back. */
export interface ReponseEnregistree {
  /** Canonical JSON of the body that produced it, to detect a key reused with another body. */
  empreinte: string;
  statutHttp: number;
  corps: Dossier;
}
