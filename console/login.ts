/**
 * Agents log in with OpenID Connect: the authorization code flow with PKCE (S256) against the
 * provider (ProConnect in production, the quick start's local provider), as a public client.
 * The console keeps only the access token, server-side, and sends it to the gateway, which
 * verifies it and applies the rights of the agent's roles: the console decides nothing. The
 * roles read here from the token only choose which menu entries to show.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Agent } from './session.ts';

/** The API scopes the console asks for: the gateway's rights decide what each agent may do with them. */
export const CONSOLE_SCOPES =
  'openid changes:write changes:read citizens:read citizens:write service-requests:write service-requests:read identity:review identity:manage kpis:read systems:read dead-letters:write';

export interface OidcClient {
  issuer: string;
  clientId: string;
  redirectUri: string;
  /** The scopes asked for (default CONSOLE_SCOPES; the citizen space asks for fewer). */
  scope?: string;
}

interface Endpoints {
  authorization_endpoint: string;
  token_endpoint: string;
}

const discovered = new Map<string, Promise<Endpoints>>();

async function discover(issuer: string): Promise<Endpoints> {
  const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`discovery of ${issuer} answered ${response.status}`);
  const document = (await response.json()) as Partial<Endpoints> & { issuer?: string };
  if (document.issuer !== issuer || !document.authorization_endpoint || !document.token_endpoint)
    throw new Error(`discovery of ${issuer}: unexpected document`);
  return { authorization_endpoint: document.authorization_endpoint, token_endpoint: document.token_endpoint };
}

function endpoints(issuer: string): Promise<Endpoints> {
  let found = discovered.get(issuer);
  if (!found) {
    found = discover(issuer);
    found.catch(() => discovered.delete(issuer));
    discovered.set(issuer, found);
  }
  return found;
}

/** Where to send the browser to log in, and what the session keeps until it comes back. */
export async function authorizationRequest(client: OidcClient): Promise<{ url: string; verifier: string; state: string }> {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const url = new URL((await endpoints(client.issuer)).authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: client.clientId,
    response_type: 'code',
    redirect_uri: client.redirectUri,
    scope: client.scope ?? CONSOLE_SCOPES,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state,
  }).toString();
  return { url: url.toString(), verifier, state };
}

/** The agent a JWT access token names (read, not verified: the gateway verifies it on every call). */
function agentOf(accessToken: string): Agent {
  const payload = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    sub?: unknown;
    roles?: unknown;
  };
  const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
  return { sub: typeof payload.sub === 'string' ? payload.sub : 'unknown', roles };
}

/** The code exchanged for the access token (with the PKCE verifier). */
export async function exchangeCode(
  client: OidcClient,
  code: string,
  verifier: string,
): Promise<{ accessToken: string; expiresAt: number; agent: Agent }> {
  const response = await fetch((await endpoints(client.issuer)).token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirectUri,
      client_id: client.clientId,
      code_verifier: verifier,
    }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json()) as { access_token?: string; expires_in?: number; error?: string };
  if (!body.access_token) throw new Error(`token endpoint: ${body.error ?? response.status}`);
  return { accessToken: body.access_token, expiresAt: Date.now() + (body.expires_in ?? 600) * 1000, agent: agentOf(body.access_token) };
}
