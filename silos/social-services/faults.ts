/**
 * Fault injection for tests: the fault currently configured and how many write requests it may
 * still affect. Only write requests consult it (see dossier-routes.ts), once each, on arrival.
 */
import type { ModePanne } from './types.ts';

export interface ConfigurationPanne {
  mode: ModePanne;
  statut?: number;
  delaiMs?: number;
  restant?: number;
  message?: string;
}

export interface EtatPanne {
  mode: ModePanne;
  statut?: number;
  delaiMs?: number;
  /** Write requests still affected; absent, until cleared. */
  restant?: number;
  message?: string;
  /** Write requests affected since the fault was configured. */
  declenchements: number;
}

/** What a fault does to the write request that drew it. */
export type PanneDeclenchee = { mode: 'erreur' | 'refus'; statut: number; message: string } | { mode: 'lenteur'; delaiMs: number };

export class ConfigurationPanneInvalide extends Error {}

const DEFAULT_ERROR_STATUS = 503;
const DEFAULT_REFUSAL_STATUS = 422;
const DEFAULT_DELAY_MS = 10_000;

export class FaultInjector {
  #etat: EtatPanne = { mode: 'aucune', declenchements: 0 };

  /** Replaces the current fault; throws ConfigurationPanneInvalide for a status of the wrong class. */
  configure(configuration: ConfigurationPanne): EtatPanne {
    const { mode, statut, delaiMs, restant, message } = configuration;
    const limit = restant === undefined ? {} : { restant };
    switch (mode) {
      case 'aucune':
        this.#etat = { mode, declenchements: 0 };
        break;
      case 'erreur': {
        const code = statut ?? DEFAULT_ERROR_STATUS;
        if (code < 500 || code > 599) throw new ConfigurationPanneInvalide('statut: une erreur est un statut 5xx');
        this.#etat = { mode, statut: code, message: message ?? 'Service indisponible (panne simulée)', ...limit, declenchements: 0 };
        break;
      }
      case 'refus': {
        const code = statut ?? DEFAULT_REFUSAL_STATUS;
        if (code < 400 || code > 499) throw new ConfigurationPanneInvalide('statut: un refus est un statut 4xx');
        this.#etat = { mode, statut: code, message: message ?? 'Requête refusée (refus simulé)', ...limit, declenchements: 0 };
        break;
      }
      case 'lenteur':
        this.#etat = { mode, delaiMs: delaiMs ?? DEFAULT_DELAY_MS, ...limit, declenchements: 0 };
        break;
    }
    return this.etat();
  }

  clear(): EtatPanne {
    return this.configure({ mode: 'aucune' });
  }

  etat(): EtatPanne {
    return { ...this.#etat };
  }

  /** Called once by each write request on arrival: the fault it suffers, if any, counted. */
  take(): PanneDeclenchee | undefined {
    const etat = this.#etat;
    if (etat.mode === 'aucune') return undefined;
    etat.declenchements += 1;
    if (etat.restant !== undefined) {
      etat.restant -= 1;
      if (etat.restant <= 0) this.#etat = { mode: 'aucune', declenchements: etat.declenchements };
    }
    if (etat.mode === 'lenteur') return { mode: 'lenteur', delaiMs: etat.delaiMs ?? DEFAULT_DELAY_MS };
    return { mode: etat.mode, statut: etat.statut ?? DEFAULT_ERROR_STATUS, message: etat.message ?? '' };
  }
}
