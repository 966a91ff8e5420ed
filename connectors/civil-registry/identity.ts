/**
 * The register as the authority on identity: an IdentityResolver (identity/civil-identity.ts)
 * over RechercherPersonne. It only translates; Relais decides who matches. It confirms a death
 * told at a desk over ObtenirActe: the act the desk quotes must exist under that number, be a
 * death (DECES), name this person and have this date. The person's record (dateDeces) is not
 * enough: it would confirm any reference, invented or copied from another act.
 */
import {
  DEATH_REGISTERED_V1,
  type CivilIdentity,
  type IdentityResolver,
  type RegisterCandidate,
  type RegisteredAct,
} from '@relais/connector-kit';
import type { CivilRegistryClient } from './client.ts';
import { givenNames, toPlace } from './mapping.ts';

export function createRegisterIdentityResolver(system: string, client: CivilRegistryClient, timeoutMs: number): IdentityResolver {
  return {
    system,
    timeoutMs,
    async search(identity: CivilIdentity, signal: AbortSignal): Promise<RegisterCandidate[]> {
      const place = identity.placeOfBirth;
      const hits = await client.search(
        {
          nomNaissance: identity.birthName,
          prenoms: identity.givenNames.join(' '),
          dateNaissance: identity.dateOfBirth,
          lieuNaissance: {
            commune: place.communeName,
            ...(place.communeInsee ? { codeInsee: place.communeInsee } : {}),
            codePays: place.country,
          },
        },
        signal,
      );
      return hits.map((hit) => ({
        registerId: hit.identifiant,
        identity: {
          birthName: hit.personne.nomNaissance,
          givenNames: givenNames(hit.personne.prenoms),
          dateOfBirth: hit.personne.dateNaissance,
          placeOfBirth: toPlace(hit.personne.lieuNaissance),
        },
        registerMatched: hit.critere,
      }));
    },
    async confirmAct(act: RegisteredAct, signal: AbortSignal): Promise<boolean> {
      if (act.type !== DEATH_REGISTERED_V1 || act.actReference.trim() === '') return false;
      const found = await client.getAct(act.actReference, signal);
      return found?.type === 'DECES' && found.personne === act.registerId && found.dateEvenement === act.date;
    },
  };
}
