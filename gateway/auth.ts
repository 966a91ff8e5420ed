/**
 * Bearer credentials with scopes. Credentials are stored as SHA-256 hashes (a leaked file does
 * not leak tokens) in RELAIS_TOKENS_FILE; RELAIS_DEV_TOKEN adds a development credential with
 * every scope. Each credential has a name (recorded as the caller of every change) and may
 * speak for one system, whose own changes are then never sent back to it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { NextFunction, Request, Response } from 'express';
import { parse } from 'yaml';
import { RelaisError } from '../core/errors.ts';
import { HttpProblem } from './problems.ts';

export const scopes = [
  'changes:write',
  'changes:read',
  'citizens:read',
  'service-requests:write',
  'service-requests:read',
  'identity:review',
  'kpis:read',
  'systems:read',
  'admin',
] as const;
export type Scope = (typeof scopes)[number];

export interface Credential {
  name: string;
  tokenSha256: string;
  scopes: Scope[];
  system?: string;
}

export interface Caller {
  name: string;
  scopes: Scope[];
  system?: string | undefined;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function devCredential(token: string): Credential {
  return { name: 'dev', tokenSha256: sha256Hex(token), scopes: [...scopes] };
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
    (c['system'] === undefined || typeof c['system'] === 'string')
  );
}

/** Reads a credentials file: `credentials: [{ name, tokenSha256, scopes, system? }]`. */
export function loadCredentials(file: string): Credential[] {
  const content = parse(readFileSync(file, 'utf8')) as { credentials?: unknown } | null;
  const list = content?.credentials;
  if (!Array.isArray(list)) throw new RelaisError('CONFIG_INVALID', `${file}: expected a "credentials" list`);
  return list.map((entry, i) => {
    if (!isCredential(entry)) {
      throw new RelaisError(
        'CONFIG_INVALID',
        `${file}: credentials[${i}] needs name, tokenSha256 (64 hex) and scopes from ${scopes.join(', ')}`,
      );
    }
    return entry;
  });
}

export class Authenticator {
  private readonly byHash: Map<string, Credential>;

  constructor(credentials: Credential[]) {
    this.byHash = new Map(credentials.map((c) => [c.tokenSha256, c]));
  }

  authenticate(header: string | undefined): Caller | undefined {
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match?.[1]) return undefined;
    const hash = sha256Hex(match[1]);
    // Constant-time comparison against every stored hash: no timing hint about which matched.
    let found: Credential | undefined;
    for (const [stored, credential] of this.byHash) {
      if (timingSafeEqual(Buffer.from(stored, 'hex'), Buffer.from(hash, 'hex'))) found = credential;
    }
    return found ? { name: found.name, scopes: found.scopes, system: found.system } : undefined;
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    caller?: Caller;
  }
}

/** Middleware: a valid bearer credential holding `scope`, or a 401/403 problem. */
export function requireScope(auth: Authenticator, scope: Scope) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const caller = auth.authenticate(req.get('authorization'));
    if (!caller) return next(new HttpProblem('unauthenticated', 'send Authorization: Bearer <credential>'));
    if (!caller.scopes.includes(scope) && !caller.scopes.includes('admin')) {
      return next(new HttpProblem('forbidden', `this operation needs the scope ${scope}`));
    }
    req.caller = caller;
    next();
  };
}
