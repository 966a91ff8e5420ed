/**
 * The quick start's demo identities at the local OpenID provider: agents with roles of
 * flows/rights.yaml, and OAuth clients that are clients of flows/rights.yaml. The service
 * secrets are given by the caller (the quick start generates and keeps them in its data
 * directory).
 */
import type { DemoAgent, LocalProviderOptions } from './local-provider.ts';

export const demoAgents: DemoAgent[] = [
  { sub: 'camille.etat-civil', name: 'Camille Bernard', roles: ['civil-registry-officer'] },
  { sub: 'dominique.accueil', name: 'Dominique Petit', roles: ['front-desk-agent', 'identity-reviewer', 'request-agent'] },
  { sub: 'alex.exploitation', name: 'Alex Moreau', roles: ['operator'] },
];

export const CONSOLE_CLIENT = 'relais-console';

export function demoProviderOptions(
  port: number,
  secrets: { socialServicesApp: string; citizenPortal: string },
  redirectUri: string,
): LocalProviderOptions {
  return {
    port,
    agents: demoAgents,
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
