/**
 * Checks shared by the gateway's write routes: JSON bodies only, the Idempotency-Key header and
 * the hash it is compared on, the citizen reference.
 */
import { createHash } from 'node:crypto';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { isUuid } from '../core/ids.ts';
import type { CitizenReference } from '../core/identity/identity-store.ts';
import type { Flows } from '../core/flows/flows.ts';
import type { ValidationIssue } from '../schemas/validation.ts';
import { canonicalJson } from '../core/canonical-json.ts';
import { HttpProblem } from './problems.ts';

/** Checked before parsing, so a form post or a file upload gets 415, not a parse error. */
function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  if (!req.is(['application/json', 'application/*+json'])) return next(new HttpProblem('unsupported-media-type'));
  next();
}

/** What a write route runs before its handler: JSON only, parsed strictly, at most `limit` bytes. */
export function jsonBody(limit: number): RequestHandler[] {
  return [requireJsonBody, express.json({ limit, type: () => true, strict: true })];
}

export function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.get('idempotency-key');
  if (key !== undefined && (key.length === 0 || key.length > 200))
    throw new HttpProblem('invalid-parameter', 'Idempotency-Key must be 1 to 200 characters');
  return key;
}

/** What a replay with the same Idempotency-Key must match: the body, whatever its key order. */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

export function citizenIssues(citizen: CitizenReference, flows: Flows): ValidationIssue[] {
  if ('pivotId' in citizen && !isUuid(citizen.pivotId))
    return [{ field: '/citizen/pivotId', message: 'must be a UUID (8-4-4-4-12 hexadecimal digits)' }];
  if ('system' in citizen && !flows.systems.has(citizen.system))
    return [{ field: '/citizen/system', message: `unknown system "${citizen.system}"` }];
  return [];
}
