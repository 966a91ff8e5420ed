/**
 * Who calls: bearer credentials with scopes. Two kinds, tried in turn (oidc.ts adds the second):
 * static tokens, stored as SHA-256 hashes (a leaked file does not leak tokens) in
 * RELAIS_TOKENS_FILE, RELAIS_DEV_TOKEN adding a development credential; and JWT access tokens of
 * an OpenID provider. Each caller has a name (recorded as the caller of every change), is a
 * service (its name is a client of the rights file, which may bind it to one system, whose own
 * changes are then never sent back to it) or an agent (its roles are roles of the rights file).
 * Scopes gate the API's operations; the rights file (rights/) decides what a caller may say
 * about whom and see.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { NextFunction, Request, Response } from 'express';
import { parse } from 'yaml';
import { RelaisError } from '../core/errors.ts';
import { isUuid } from '../core/ids.ts';
import type { CivilIdentity } from '../identity/civil-identity.ts';
import { HttpProblem } from './problems.ts';

export const scopes = [
  'changes:write',
  'changes:read',
  'citizens:read',
  'citizens:write',
  'service-requests:write',
  'service-requests:read',
  'identity:review',
  'identity:manage',
  'kpis:read',
  'systems:read',
  'dead-letters:write',
  'admin',
] as const;
export type Scope = (typeof scopes)[number];

export interface Credential {
  name: string;
  tokenSha256: string;
  scopes: Scope[];
  system?: string;
  /** Agent roles: a credential with roles is an agent's (a static token for a CLI user), not a service's. */
  roles?: string[];
  /** With roles: the citizen this credential is for (a citizen's own token, as the OIDC claim relais_pivot_id says). */
  pivotId?: string;
}

export interface Caller {
  /** A service's client name (credential name, OAuth client_id) or an agent's subject. */
  name: string;
  kind: 'service' | 'agent';
  scopes: Scope[];
  /** The system a service speaks for. */
  system?: string | undefined;
  /** An agent's roles (rights file `roles`). */
  roles?: string[] | undefined;
  /** A citizen's own pivot id (a citizen-space token, oidc.ts PIVOT_CLAIM): `own-…` rights apply to it only. */
  pivotId?: string | undefined;
  /**
   * A citizen's token without a pivot id: the civil identity its provider vouches for
   * (citizen-identity.ts), which the gateway matches against the register to find the pivot id.
   */
  civil?: CivilIdentity | undefined;
  /** How that match went, when it did not give a pivot id (GET /v1/me says it). */
  identityMatch?: IdentityMatch | undefined;
}

/** The outcome of matching a citizen's token to a pivot id (citizen-identity.ts). */
export type IdentityMatch = 'matched' | 'ambiguous' | 'not-found' | 'register-unavailable';

/** Whatever turns an Authorization header into a caller (static tokens, JWTs, both in turn). */
export interface CallerSource {
  authenticate(header: string | undefined): Promise<Caller | undefined> | Caller | undefined;
}

/** The bearer token of an Authorization header. */
export function bearerOf(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1] || undefined;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** The development credential: every scope, and the rights file's `developer` role. */
export function devCredential(token: string): Credential {
  return { name: 'dev', tokenSha256: sha256Hex(token), scopes: [...scopes], roles: ['developer'] };
}

function isCredential(value: unknown): value is Credential {
  if (value === null || typeof value !== 'object') return false;
  const c = value as Record<string, unknown>;
  return (
    typeof c['name'] === 'string' &&
    typeof c['tokenSha256'] === 'string' &&
    /^[0-9a-f]{64}$/.test(c['tokenSha256']) &&
    Array.isArray(c['scopes']) &&
    c['scopes'].every((s) => (scopes as readonly unknown[]).includes(s)) &&
    (c['system'] === undefined || typeof c['system'] === 'string') &&
    (c['roles'] === undefined || (Array.isArray(c['roles']) && c['roles'].every((r) => typeof r === 'string'))) &&
    (c['pivotId'] === undefined || (typeof c['pivotId'] === 'string' && isUuid(c['pivotId'])))
  );
}

/** Reads a credentials file: `credentials: [{ name, tokenSha256, scopes, system?, roles? }]`. */
export function loadCredentials(file: string): Credential[] {
  const content = parse(readFileSync(file, 'utf8')) as { credentials?: unknown } | null;
  const list = content?.credentials;
  if (!Array.isArray(list)) throw new RelaisError('CONFIG_INVALID', `${file}: expected a "credentials" list`);
  return list.map((entry, i) => {
    if (!isCredential(entry)) {
      throw new RelaisError(
        'CONFIG_INVALID',
        `${file}: credentials[${i}] needs name, tokenSha256 (64 hex), scopes from ${scopes.join(', ')}, optional system and roles`,
      );
    }
    return entry;
  });
}

/** The static tokens: hashed credentials from RELAIS_TOKENS_FILE and the development one. */
export class Authenticator implements CallerSource {
  private readonly byHash: Map<string, Credential>;

  constructor(credentials: Credential[]) {
    this.byHash = new Map(credentials.map((c) => [c.tokenSha256, c]));
  }

  authenticate(header: string | undefined): Caller | undefined {
    const token = bearerOf(header);
    if (!token) return undefined;
    const hash = sha256Hex(token);
    // Constant-time comparison against every stored hash: no timing hint about which matched.
    let found: Credential | undefined;
    for (const [stored, credential] of this.byHash) {
      if (timingSafeEqual(Buffer.from(stored, 'hex'), Buffer.from(hash, 'hex'))) found = credential;
    }
    if (!found) return undefined;
    return found.roles?.length
      ? { name: found.name, kind: 'agent', scopes: found.scopes, roles: found.roles, system: found.system, pivotId: found.pivotId }
      : { name: found.name, kind: 'service', scopes: found.scopes, system: found.system };
  }
}

/** Static tokens first (a hash lookup), then the next source (JWTs). */
export function eitherSource(...sources: CallerSource[]): CallerSource {
  return {
    async authenticate(header) {
      for (const source of sources) {
        const caller = await source.authenticate(header);
        if (caller) return caller;
      }
      return undefined;
    },
  };
}

declare module 'express-serve-static-core' {
  interface Request {
    caller?: Caller;
  }
}

/** Middleware: a valid bearer credential holding `scope`, or a 401/403 problem. */
export function requireScope(auth: CallerSource, scope: Scope) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    const caller = req.caller ?? (await auth.authenticate(req.get('authorization')));
    if (!caller) return next(new HttpProblem('unauthenticated', 'send Authorization: Bearer <credential>'));
    if (!caller.scopes.includes(scope) && !caller.scopes.includes('admin')) {
      return next(new HttpProblem('forbidden', `this operation needs the scope ${scope}`));
    }
    req.caller = caller;
    next();
  };
}
