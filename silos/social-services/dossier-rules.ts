/** How the legacy system changes a file: opening, address change, household, closure. Pure functions. */
import type { ChangementAdresse, ChangementFoyer, DemandeCloture, Dossier, NouveauDossier } from './types.ts';

export function ouvrirDossier(demande: NouveauDossier, now: string): Dossier {
  return {
    numeroDossier: demande.numeroDossier,
    statut: 'ouvert',
    nom: demande.nom,
    prenoms: demande.prenoms,
    adresse: { ...demande.adresse, pays: demande.adresse.pays ?? 'FRANCE' },
    ...(demande.naissance ? { naissance: demande.naissance } : {}),
    misAJourLe: now,
  };
}

export function changerAdresse(dossier: Dossier, demande: ChangementAdresse, now: string): Dossier {
  return {
    ...dossier,
    adresse: { ...demande.adresse, pays: demande.adresse.pays ?? 'FRANCE' },
    dateEffetAdresse: demande.dateEffet,
    misAJourLe: now,
  };
}

export function cloturerDossier(dossier: Dossier, demande: DemandeCloture, now: string): Dossier {
  return {
    ...dossier,
    statut: 'clos',
    dateCloture: demande.dateCloture,
    motifCloture: demande.motif,
    ...(demande.dateDeces === undefined ? {} : { dateDeces: demande.dateDeces }),
    misAJourLe: now,
  };
}

export function changerFoyer(dossier: Dossier, demande: ChangementFoyer, now: string): Dossier {
  return { ...dossier, foyer: demande.foyer, dateEffetFoyer: demande.dateEffet, misAJourLe: now };
}
