/**
 * How the billing software changes a family: creation, address, declared household, death.
 * Pure functions; the routes decide whether a write may happen (person known, alive).
 */
import type { ChangementAdresse, CompositionFoyer, DeclarationDeces, Famille, NouvelleFamille } from './types.ts';

export function creerFamille(demande: NouvelleFamille, now: string): Famille {
  return {
    numeroFamille: demande.numeroFamille,
    adresseFacturation: demande.adresseFacturation,
    payeur: demande.payeur,
    payeurAContacter: false,
    membres: demande.membres,
    inscriptions: (demande.inscriptions ?? []).map((i) => ({ ...i, statut: 'ACTIVE' as const })),
    misAJourLe: now,
  };
}

/** Whoever in the family moves, the family's billing address follows. */
export function changerAdresse(famille: Famille, _personne: string, demande: ChangementAdresse, now: string): Famille {
  return { ...famille, adresseFacturation: demande.adresse, dateEffetAdresse: demande.dateEffet, misAJourLe: now };
}

export function declarerFoyer(famille: Famille, _personne: string, demande: CompositionFoyer, now: string): Famille {
  return { ...famille, foyerDeclare: demande.membres, dateEffetFoyer: demande.dateEffet, misAJourLe: now };
}

/**
 * A child's death ends its registrations (canteen, nursery) on the day of death; a paying
 * parent's death passes the bills to another living legal guardian, or flags the family.
 */
export function declarerDeces(famille: Famille, numeroPersonne: string, demande: DeclarationDeces, now: string): Famille {
  const membres = famille.membres.map((m) => (m.numeroPersonne === numeroPersonne ? { ...m, dateDeces: demande.dateDeces } : m));
  const inscriptions = famille.inscriptions.map((i) =>
    i.numeroPersonne === numeroPersonne && i.statut === 'ACTIVE'
      ? { ...i, statut: 'TERMINEE' as const, dateFin: demande.dateDeces, motifFin: 'DECES' as const }
      : i,
  );
  let { payeur, payeurAContacter } = famille;
  if (payeur === numeroPersonne) {
    const suivant = membres.find((m) => m.role === 'RESPONSABLE_LEGAL' && m.dateDeces === undefined);
    payeur = suivant?.numeroPersonne ?? null;
    payeurAContacter = suivant === undefined;
  }
  return { ...famille, membres, inscriptions, payeur, payeurAContacter, misAJourLe: now };
}
