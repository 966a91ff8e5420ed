/**
 * The register's own vocabulary (French, as the legacy system names things), mirroring the XSD
 * of registre.wsdl: what the simulator stores and what its SOAP operations exchange.
 */

export type TypeEvenement = 'NAISSANCE' | 'DECES' | 'MARIAGE' | 'PACS' | 'DISSOLUTION_PACS' | 'CHANGEMENT_NOM';
export const typesEvenement: readonly TypeEvenement[] = ['NAISSANCE', 'DECES', 'MARIAGE', 'PACS', 'DISSOLUTION_PACS', 'CHANGEMENT_NOM'];

export type Sexe = 'M' | 'F';

export type MotifDissolution = 'DECLARATION_CONJOINTE' | 'DECLARATION_UNILATERALE' | 'MARIAGE' | 'DECES';
export const motifsDissolution: readonly MotifDissolution[] = ['DECLARATION_CONJOINTE', 'DECLARATION_UNILATERALE', 'MARIAGE', 'DECES'];

export interface Lieu {
  commune: string;
  codeInsee?: string;
  /** ISO 3166-1 alpha-2. */
  codePays: string;
}

export interface Personne {
  /** The register's identifier of the person (e.g. EC-00000042). */
  identifiant: string;
  nomNaissance: string;
  nomUsage?: string;
  /** Given names, in order, separated by spaces (compound names keep their hyphen). */
  prenoms: string;
  sexe: Sexe;
  /** YYYY-MM-DD. */
  dateNaissance: string;
  lieuNaissance: Lieu;
  dateDeces?: string;
}

export interface Naissance {
  nomNaissance: string;
  prenoms: string;
  sexe: Sexe;
}

export interface ChangementNom {
  ancienNom: string;
  nouveauNom: string;
  nouveauxPrenoms?: string;
}

/** One entry of the register's log of life events, numbered in the order they were recorded. */
export interface Evenement {
  numero: number;
  type: TypeEvenement;
  numeroActe: string;
  /** When the act was recorded (RFC 3339). */
  dateEnregistrement: string;
  /** When the event happened (YYYY-MM-DD). */
  dateEvenement: string;
  lieu: Lieu;
  /** The person concerned (identifiant). */
  personne: string;
  /** The spouse or partner (marriage, PACS, PACS dissolution). */
  partenaire?: string;
  naissance?: Naissance;
  changementNom?: ChangementNom;
  /** PACS dissolution only. */
  motifDissolution?: MotifDissolution;
}

/**
 * An act as the register reads it by its number (ObtenirActe): what it records, of whom, and
 * when the event happened — enough to confirm an act a desk quotes, without the event's details.
 */
export type Acte = Pick<Evenement, 'numeroActe' | 'type' | 'personne' | 'partenaire' | 'dateEvenement'>;

/** A search hit: the person and which criteria concorded (nomNaissance, prenoms, dateNaissance, lieuNaissance). */
export interface Concordance {
  identifiant: string;
  personne: Personne;
  critere: string[];
}

/** A new life event as recorded at the desk (admin endpoint): the register numbers and dates it. */
export interface NouvelEvenement {
  type: TypeEvenement;
  dateEvenement: string;
  lieu: Lieu;
  /** Absent for a birth (the register gives the child an identifier). */
  personne?: string;
  partenaire?: string;
  naissance?: Naissance;
  changementNom?: { nouveauNom: string; nouveauxPrenoms?: string };
  /** PACS dissolution; default DECLARATION_CONJOINTE. */
  motifDissolution?: MotifDissolution;
  /** A birth may ask for a given identifier (demo data); otherwise the register numbers it. */
  identifiant?: string;
}
