/**
 * JWT access tokens of an OpenID provider (ProConnect for agents in production, the local
 * provider of the quick start, any OAuth 2.0 server issuing RFC 9068 JWTs): verified with `jose`
 * against the provider's JWKS (fetched from its discovery document, cached, refreshed when a key
 * is unknown), for the configured issuer and audience, unexpired (30 s of clock tolerance), with
 * an asymmetric signature only. Anything else is no caller (401).
 *
 * Who the token is for: a client-credentials token (RFC 9068: `sub` is the client's id) is a
 * service, named by its client id, whose rights are the rights file's `clients.<client_id>`; any
 * other token is an agent, named by its subject, whose rights are its roles (the roles claim).
 * Scopes are the token's `scope` claim; a citizen's token names its citizen (PIVOT_CLAIM), or
 * their civil identity, which citizen-identity.ts matches to a pivot id.
 */
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { Caller, CallerSource, Scope } from './auth.ts';
import { isUuid } from '../core/ids.ts';
import { bearerOf, scopes as knownScopes } from './auth.ts';
import { CITIZEN_ROLE, civilClaimsOf } from './citizen-identity.ts';

export interface OidcOptions {
  issuer: string;
  audience: string;
  /** The claim holding an agent's roles (default `roles`). */
  rolesClaim?: string;
  /** The JWKS; default: the `jwks_uri` of the issuer's discovery document. */
  jwksUrl?: string;
  /** Clock skew allowed on `exp` and `nbf` (default 30 s). */
  clockToleranceSeconds?: number;
}

const ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];

async function discoverJwks(issuer: string): Promise<URL> {
  const response = await fetch(new URL(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`), {
    signal: AbortSignal.timeout(5000),
  });
  if (!response.ok) throw new Error(`discovery of ${issuer} answered ${response.status}`);
  const document = (await response.json()) as { jwks_uri?: unknown; issuer?: unknown };
  if (document.issuer !== issuer || typeof document.jwks_uri !== 'string') throw new Error(`discovery of ${issuer}: unexpected document`);
  return new URL(document.jwks_uri);
}

/**
 * The claim naming the citizen a token is for (the citizen space's tokens): `own-…` rights
 * (own-timeline, own-disclosures, own-objections) apply to that pivot id only. Ignored on a
 * service's token.
 */
export const PIVOT_CLAIM = 'relais_pivot_id';

export function callerOf(payload: JWTPayload, rolesClaim: string): Caller | undefined {
  const sub = payload.sub;
  if (!sub) return undefined;
  const clientId = typeof payload['client_id'] === 'string' ? payload['client_id'] : undefined;
  const granted = typeof payload['scope'] === 'string' ? payload['scope'].split(' ') : [];
  const scopes = granted.filter((s): s is Scope => (knownScopes as readonly string[]).includes(s));
  if (clientId !== undefined && clientId === sub) return { name: clientId, kind: 'service', scopes };
  const claimed = payload[rolesClaim];
  const roles = Array.isArray(claimed) ? claimed.filter((r): r is string => typeof r === 'string') : [];
  const pivot = payload[PIVOT_CLAIM];
  // A citizen's token: the citizen space matched the person the provider vouches for to a pivot id.
  const pivotId = typeof pivot === 'string' && isUuid(pivot) ? pivot.toLowerCase() : undefined;
  // Without it, a citizen's token names a person by civil data, which the gateway matches (citizen-identity.ts).
  const civil = !pivotId && roles.includes(CITIZEN_ROLE) ? civilClaimsOf(payload) : undefined;
  return { name: sub, kind: 'agent', scopes, roles, ...(pivotId ? { pivotId } : {}), ...(civil ? { civil } : {}) };
}

export function oidcCallers(options: OidcOptions): CallerSource {
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  const keys = async () => (jwks ??= createRemoteJWKSet(options.jwksUrl ? new URL(options.jwksUrl) : await discoverJwks(options.issuer)));
  return {
    async authenticate(header) {
      const token = bearerOf(header);
      // A static token is not a JWT: three base64url parts.
      if (!token || token.split('.').length !== 3) return undefined;
      try {
        const { payload } = await jwtVerify(token, await keys(), {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: ALGORITHMS,
          clockTolerance: options.clockToleranceSeconds ?? 30,
          requiredClaims: ['exp', 'sub'],
        });
        return callerOf(payload, options.rolesClaim ?? 'roles');
      } catch {
        return undefined;
      }
    },
  };
}
