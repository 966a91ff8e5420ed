/**
 * The quick start's demo identities at the local OpenID provider: agents with roles of
 * flows/rights.yaml, and OAuth clients that are clients of flows/rights.yaml. The service
 * secrets are given by the caller (the quick start generates and keeps them in its data
 * directory).
 */
import type { DemoAgent, DemoCitizen, LocalProviderOptions } from './local-provider.ts';

export const demoAgents: DemoAgent[] = [
  { sub: 'camille.etat-civil', name: 'Camille Bernard', roles: ['civil-registry-officer'] },
  { sub: 'dominique.accueil', name: 'Dominique Petit', roles: ['front-desk-agent', 'identity-reviewer', 'request-agent'] },
  { sub: 'alex.exploitation', name: 'Alex Moreau', roles: ['operator'] },
];

/**
 * Demo citizens, as FranceConnect would vouch for them, matched by the gateway against the
 * register's demo persons (silos/civil-registry/seed.ts): Jeanne Marie Martin and Paul Nguyen
 * are found; Jean-Pierre Bernard born in Lyon has a homonym born the same day in Bron (an
 * ambiguous match: no guess); Camille Durand is not in the register.
 */
export const demoCitizens: DemoCitizen[] = [
  {
    sub: 'jeanne.martin',
    given_name: 'Jeanne Marie',
    family_name: 'MARTIN',
    birthdate: '1948-05-02',
    birthplace: '69123',
    birthcountry: '99100',
  },
  { sub: 'paul.nguyen', given_name: 'Paul', family_name: 'NGUYEN', birthdate: '1979-11-23', birthplace: '69266', birthcountry: '99100' },
  {
    sub: 'jean-pierre.bernard',
    given_name: 'Jean-Pierre',
    family_name: 'BERNARD',
    birthdate: '1962-07-14',
    birthplace: '69123',
    birthcountry: '99100',
  },
  {
    sub: 'camille.durand',
    given_name: 'Camille',
    family_name: 'DURAND',
    birthdate: '1990-03-08',
    birthplace: '75056',
    birthcountry: '99100',
  },
];

export const CONSOLE_CLIENT = 'relais-console';
export const CITIZEN_CLIENT = 'relais-citizen';

export function demoProviderOptions(
  port: number,
  secrets: { socialServicesApp: string; citizenPortal: string },
  redirectUri: string,
  citizenRedirectUri?: string,
): LocalProviderOptions {
  return {
    port,
    agents: demoAgents,
    citizens: demoCitizens,
    ...(citizenRedirectUri ? { citizenSpace: { clientId: CITIZEN_CLIENT, redirectUris: [citizenRedirectUri] } } : {}),
    services: [
      { clientId: 'social-services-app', clientSecret: secrets.socialServicesApp, scope: 'changes:write changes:read' },
      {
        clientId: 'citizen-portal',
        clientSecret: secrets.citizenPortal,
        scope: 'changes:write changes:read service-requests:write service-requests:read',
      },
    ],
    console: { clientId: CONSOLE_CLIENT, redirectUris: [redirectUri] },
  };
}
