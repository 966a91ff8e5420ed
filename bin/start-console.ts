/**
 * The quick start's agent console (console/, docs/adr/0028): on RELAIS_CONSOLE_PORT (default
 * 8070; 0 picks a free port), logging agents in at the local OpenID provider as its
 * `relais-console` client, calling the gateway's public API. Its port is chosen before the
 * provider starts, which must know the console's redirect URI.
 */
import { freePort } from '../core/free-port.ts';
import { startConsole, type RunningConsole } from '../console/server.ts';

export const DEFAULT_CONSOLE_PORT = 8070;

/** A web front's port from the environment (0: a free one); a bad value stops the quick start, naming the variable. */
export async function webPortOf(env: Record<string, string | undefined>, variable: string, fallback: number): Promise<number> {
  const raw = env[variable] ?? String(fallback);
  const port = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new Error(`${variable}: "${raw}" is not a port (0 to 65535)`);
  return port || freePort('127.0.0.1');
}

/** The console's port from the environment (RELAIS_CONSOLE_PORT). */
export function consolePortOf(env: Record<string, string | undefined>): Promise<number> {
  return webPortOf(env, 'RELAIS_CONSOLE_PORT', DEFAULT_CONSOLE_PORT);
}

export const consoleRedirectUri = (port: number): string => `http://127.0.0.1:${port}/callback`;

export function startQuickStartConsole(options: {
  port: number;
  gatewayUrl: string;
  issuer: string;
  clientId: string;
  systems: string[];
}): Promise<RunningConsole> {
  return startConsole({
    port: options.port,
    gatewayUrl: options.gatewayUrl,
    oidc: { issuer: options.issuer, clientId: options.clientId, redirectUri: consoleRedirectUri(options.port) },
    systems: options.systems,
    secure: false,
  });
}
