/**
 * The register's rules: recording life events (which also update the persons concerned),
 * listing the event log by cursor, searching and reading persons, reading an act by its number.
 * Refusals are RegistreErreur with a stable code, which the SOAP layer turns into faults and the
 * admin API into 4xx.
 */
import type { RegistryStore } from './store.ts';
import {
  motifsDissolution,
  typesEvenement,
  type Acte,
  type Concordance,
  type Evenement,
  type Lieu,
  type NouvelEvenement,
  type Personne,
} from './types.ts';

export type Gravite = 'requete' | 'introuvable' | 'conflit';

export class RegistreErreur extends Error {
  readonly code: string;
  readonly gravite: Gravite;

  constructor(code: string, message: string, gravite: Gravite = 'requete') {
    super(message);
    this.code = code;
    this.gravite = gravite;
    this.name = 'RegistreErreur';
  }
}

export const TAILLE_PAR_DEFAUT = 50;
export const TAILLE_MAX = 200;

const datePattern = /^\d{4}-\d{2}-\d{2}$/;

/** The register's own search key: upper case, no accents, ligatures written out (Œ → OE), hyphens and apostrophes as spaces. */
export function cleRecherche(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/Œ/g, 'OE')
    .replace(/Æ/g, 'AE')
    .replace(/[-'’‘`]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function exigerDate(value: unknown, champ: string): string {
  if (typeof value !== 'string' || !datePattern.test(value) || Number.isNaN(Date.parse(value))) {
    throw new RegistreErreur('DATE_INVALIDE', `${champ} : une date AAAA-MM-JJ est attendue`);
  }
  return value;
}

function exigerTexte(value: unknown, champ: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 200)
    throw new RegistreErreur('CHAMP_INVALIDE', `${champ} : texte de 1 à 200 caractères attendu`);
  return value.trim();
}

export function exigerLieu(value: unknown, champ: string): Lieu {
  const lieu = (value ?? {}) as Partial<Lieu>;
  const codePays = lieu.codePays ?? 'FR';
  if (!/^[A-Z]{2}$/.test(codePays)) throw new RegistreErreur('CHAMP_INVALIDE', `${champ}.codePays : code pays ISO à deux lettres attendu`);
  if (lieu.codeInsee !== undefined && !/^(2[AB]|\d{2})\d{3}$/.test(lieu.codeInsee))
    throw new RegistreErreur('CHAMP_INVALIDE', `${champ}.codeInsee : code INSEE attendu`);
  return { commune: exigerTexte(lieu.commune, `${champ}.commune`), ...(lieu.codeInsee ? { codeInsee: lieu.codeInsee } : {}), codePays };
}

export class Registre {
  private readonly store: RegistryStore;
  private readonly horloge: () => Date;

  constructor(store: RegistryStore, horloge: () => Date = () => new Date()) {
    this.store = store;
    this.horloge = horloge;
  }

  obtenir(identifiant: string): Personne {
    const personne = this.store.personne(identifiant);
    if (!personne) throw new RegistreErreur('PERSONNE_INCONNUE', 'aucune personne n’a cet identifiant', 'introuvable');
    return personne;
  }

  /** The act recorded under this number, written as the register writes it (surrounding spaces aside). */
  obtenirActe(numeroActe: string): Acte {
    const evenement = this.store.evenementParActe(exigerTexte(numeroActe, 'numeroActe'));
    if (!evenement) throw new RegistreErreur('ACTE_INCONNU', 'aucun acte n’a ce numéro', 'introuvable');
    const { type, personne, partenaire, dateEvenement } = evenement;
    return { numeroActe: evenement.numeroActe, type, personne, ...(partenaire ? { partenaire } : {}), dateEvenement };
  }

  listerEvenements(
    curseur: string | undefined,
    taille: number | undefined,
  ): { evenements: Evenement[]; curseurSuivant: string; encore: boolean } {
    const depuis = curseur === undefined || curseur === '' ? 0 : Number(curseur);
    if (!Number.isSafeInteger(depuis) || depuis < 0 || !/^\d*$/.test(curseur ?? ''))
      throw new RegistreErreur('CURSEUR_INVALIDE', 'le curseur est celui rendu par un appel précédent');
    const limite = taille ?? TAILLE_PAR_DEFAUT;
    if (!Number.isInteger(limite) || limite < 1 || limite > TAILLE_MAX)
      throw new RegistreErreur('TAILLE_INVALIDE', `la taille d’une page va de 1 à ${TAILLE_MAX}`);
    const evenements = this.store.evenementsApres(depuis, limite);
    const dernier = evenements.at(-1)?.numero ?? depuis;
    return { evenements, curseurSuivant: String(dernier), encore: dernier < this.store.dernierNumero() };
  }

  /** Persons whose birth name and birth date concord (register's key), with the criteria that concord. */
  rechercher(criteres: { nomNaissance: string; prenoms: string; dateNaissance: string; lieuNaissance?: Lieu | undefined }): Concordance[] {
    // Birth names compared without separators: "L'HÔPITAL", "L HOPITAL" and "LHOPITAL" are one name.
    const compact = (value: string) => cleRecherche(value).replace(/ /g, '');
    const nom = compact(exigerTexte(criteres.nomNaissance, 'nomNaissance'));
    const prenoms = cleRecherche(exigerTexte(criteres.prenoms, 'prenoms'));
    const date = exigerDate(criteres.dateNaissance, 'dateNaissance');
    const lieu = criteres.lieuNaissance ? exigerLieu(criteres.lieuNaissance, 'lieuNaissance') : undefined;
    return this.store
      .personnes()
      .filter((p) => compact(p.nomNaissance) === nom && p.dateNaissance === date)
      .map((personne) => {
        const critere = ['nomNaissance', 'dateNaissance'];
        if (cleRecherche(personne.prenoms).split(' ')[0] === prenoms.split(' ')[0]) critere.push('prenoms');
        if (
          lieu &&
          ((lieu.codeInsee && lieu.codeInsee === personne.lieuNaissance.codeInsee) ||
            cleRecherche(lieu.commune) === cleRecherche(personne.lieuNaissance.commune))
        ) {
          critere.push('lieuNaissance');
        }
        return { identifiant: personne.identifiant, personne, critere };
      });
  }

  /** Adds a person known to the register before its event log began (seeding, tests). */
  async ajouterPersonne(personne: Omit<Personne, 'identifiant'> & { identifiant?: string | undefined }): Promise<Personne> {
    const complete: Personne = {
      ...personne,
      identifiant: this.nouvelIdentifiant(personne.identifiant),
      nomNaissance: exigerTexte(personne.nomNaissance, 'nomNaissance'),
      prenoms: exigerTexte(personne.prenoms, 'prenoms'),
      dateNaissance: exigerDate(personne.dateNaissance, 'dateNaissance'),
      lieuNaissance: exigerLieu(personne.lieuNaissance, 'lieuNaissance'),
    };
    if (complete.sexe !== 'M' && complete.sexe !== 'F') throw new RegistreErreur('CHAMP_INVALIDE', 'sexe : M ou F');
    await this.store.enregistrer([complete]);
    return complete;
  }

  /** Records a life event at the desk: numbers it, updates the persons concerned, appends it to the log. */
  async enregistrerEvenement(nouvel: NouvelEvenement): Promise<Evenement> {
    if (!typesEvenement.includes(nouvel.type)) throw new RegistreErreur('TYPE_INVALIDE', `type : un de ${typesEvenement.join(', ')}`);
    const numero = this.store.dernierNumero() + 1;
    const base = {
      numero,
      type: nouvel.type,
      numeroActe: `${nouvel.type.slice(0, 2)}-${this.horloge().getUTCFullYear()}-${String(numero).padStart(6, '0')}`,
      dateEnregistrement: this.horloge().toISOString(),
      dateEvenement: exigerDate(nouvel.dateEvenement, 'dateEvenement'),
      lieu: exigerLieu(nouvel.lieu, 'lieu'),
    };
    const { evenement, personnes } = nouvel.type === 'NAISSANCE' ? this.naissance(nouvel, base) : this.surPersonne(nouvel, base);
    await this.store.enregistrer(personnes, [evenement]);
    return evenement;
  }

  private naissance(nouvel: NouvelEvenement, base: Omit<Evenement, 'personne'>): { evenement: Evenement; personnes: Personne[] } {
    const n = nouvel.naissance;
    if (!n) throw new RegistreErreur('CHAMP_MANQUANT', 'naissance : nomNaissance, prenoms et sexe sont requis');
    if (n.sexe !== 'M' && n.sexe !== 'F') throw new RegistreErreur('CHAMP_INVALIDE', 'naissance.sexe : M ou F');
    const naissance = {
      nomNaissance: exigerTexte(n.nomNaissance, 'naissance.nomNaissance'),
      prenoms: exigerTexte(n.prenoms, 'naissance.prenoms'),
      sexe: n.sexe,
    };
    const personne: Personne = {
      identifiant: this.nouvelIdentifiant(nouvel.identifiant),
      ...naissance,
      dateNaissance: base.dateEvenement,
      lieuNaissance: base.lieu,
    };
    return { evenement: { ...base, personne: personne.identifiant, naissance }, personnes: [personne] };
  }

  private surPersonne(nouvel: NouvelEvenement, base: Omit<Evenement, 'personne'>): { evenement: Evenement; personnes: Personne[] } {
    const personne = this.obtenir(exigerTexte(nouvel.personne, 'personne'));
    if (personne.dateDeces) throw new RegistreErreur('PERSONNE_DECEDEE', 'la personne est décédée', 'conflit');
    const evenement: Evenement = { ...base, personne: personne.identifiant };
    const personnes: Personne[] = [personne];
    switch (nouvel.type) {
      case 'DECES':
        personne.dateDeces = base.dateEvenement;
        break;
      case 'MARIAGE':
      case 'PACS':
      case 'DISSOLUTION_PACS': {
        const partenaire = this.obtenir(exigerTexte(nouvel.partenaire, 'partenaire'));
        if (partenaire.identifiant === personne.identifiant)
          throw new RegistreErreur('CHAMP_INVALIDE', 'partenaire : une autre personne est attendue');
        evenement.partenaire = partenaire.identifiant;
        if (nouvel.type === 'DISSOLUTION_PACS') {
          const motif = nouvel.motifDissolution ?? 'DECLARATION_CONJOINTE';
          if (!motifsDissolution.includes(motif))
            throw new RegistreErreur('CHAMP_INVALIDE', `motifDissolution : un de ${motifsDissolution.join(', ')}`);
          evenement.motifDissolution = motif;
        }
        break;
      }
      case 'CHANGEMENT_NOM': {
        const changement = nouvel.changementNom;
        if (!changement) throw new RegistreErreur('CHAMP_MANQUANT', 'changementNom : nouveauNom est requis');
        evenement.changementNom = {
          ancienNom: personne.nomNaissance,
          nouveauNom: exigerTexte(changement.nouveauNom, 'changementNom.nouveauNom'),
          ...(changement.nouveauxPrenoms
            ? { nouveauxPrenoms: exigerTexte(changement.nouveauxPrenoms, 'changementNom.nouveauxPrenoms') }
            : {}),
        };
        personne.nomNaissance = evenement.changementNom.nouveauNom;
        if (evenement.changementNom.nouveauxPrenoms) personne.prenoms = evenement.changementNom.nouveauxPrenoms;
        break;
      }
    }
    return { evenement, personnes };
  }

  private nouvelIdentifiant(demande: string | undefined): string {
    if (demande !== undefined) {
      if (!/^EC-\d{8}$/.test(demande)) throw new RegistreErreur('CHAMP_INVALIDE', 'identifiant : EC- suivi de 8 chiffres');
      if (this.store.personne(demande)) throw new RegistreErreur('PERSONNE_EXISTANTE', 'cet identifiant est déjà attribué', 'conflit');
      return demande;
    }
    let n = this.store.personnes().length + 1;
    while (this.store.personne(`EC-${String(n).padStart(8, '0')}`)) n++;
    return `EC-${String(n).padStart(8, '0')}`;
  }
}
