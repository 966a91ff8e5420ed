/**
 * The register as the authority on identity: an IdentityResolver (core/identity/civil-identity.ts)
 * over RechercherPersonne. It only translates; Relais decides who matches.
 */
import type { CivilIdentity, IdentityResolver, RegisterCandidate } from '@relais/connector-kit';
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
  };
}
