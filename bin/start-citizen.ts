/**
 * The quick start's citizen space (citizen/, docs/adr/0037): on RELAIS_CITIZEN_PORT (default
 * 8060; 0 picks a free port), logging citizens in at the local OpenID provider as its
 * `relais-citizen` client (standing in for FranceConnect), calling the gateway's public API with
 * the citizen's token. Its port is chosen before the provider starts, which must know the
 * redirect URI.
 */
import { startCitizenSpace, type RunningCitizenSpace } from '../citizen/server.ts';
import { webPortOf } from './start-console.ts';

export const DEFAULT_CITIZEN_PORT = 8060;

export function citizenPortOf(env: Record<string, string | undefined>): Promise<number> {
  return webPortOf(env, 'RELAIS_CITIZEN_PORT', DEFAULT_CITIZEN_PORT);
}

export const citizenRedirectUri = (port: number): string => `http://127.0.0.1:${port}/callback`;

export function startQuickStartCitizenSpace(options: {
  port: number;
  gatewayUrl: string;
  issuer: string;
  clientId: string;
}): Promise<RunningCitizenSpace> {
  return startCitizenSpace({
    port: options.port,
    gatewayUrl: options.gatewayUrl,
    oidc: { issuer: options.issuer, clientId: options.clientId, redirectUri: citizenRedirectUri(options.port) },
    secure: false,
  });
}
