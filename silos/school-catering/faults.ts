/**
 * Fault injection for tests: the fault configured and how many more write requests it affects.
 * Each write request on /personnes draws once, on arrival, before anything is applied.
 */
import type { Panne } from './types.ts';

export type Tirage = { mode: 'erreur' | 'refus'; statut: number } | { mode: 'lenteur'; delaiMs: number } | undefined;

export class Pannes {
  #panne: Panne = { mode: 'aucune' };

  /** Replaces the fault; a status of the wrong class for its mode is an Error. */
  configurer(panne: Panne): Panne {
    if (panne.mode === 'erreur' && panne.statut !== undefined && panne.statut < 500)
      throw new Error('statut: une erreur est un statut 5xx');
    if (panne.mode === 'refus' && panne.statut !== undefined && panne.statut >= 500) throw new Error('statut: un refus est un statut 4xx');
    this.#panne = { ...panne };
    return this.etat();
  }

  etat(): Panne {
    return { ...this.#panne };
  }

  tirer(): Tirage {
    const panne = this.#panne;
    if (panne.mode === 'aucune') return undefined;
    if (panne.restant !== undefined) {
      panne.restant -= 1;
      if (panne.restant <= 0) this.#panne = { mode: 'aucune' };
    }
    if (panne.mode === 'lenteur') return { mode: 'lenteur', delaiMs: panne.delaiMs ?? 10_000 };
    return { mode: panne.mode, statut: panne.statut ?? (panne.mode === 'erreur' ? 503 : 422) };
  }
}
