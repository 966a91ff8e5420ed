/**
 * Checks shared by the gateway's write routes: JSON bodies only, the Idempotency-Key header and
 * the hash it is compared on, the citizen reference.
 */
import { createHash } from 'node:crypto';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { isUuid } from '../core/ids.ts';
import type { CitizenReference } from '../identity/identity-store.ts';
import type { Flows } from '../core/flows/flows.ts';
import type { ValidationIssue } from '../schemas/validation.ts';
import { canonicalJson } from '../core/canonical-json.ts';
import { HttpProblem } from './problems.ts';

/** Checked before parsing, so a form post or a file upload gets 415, not a parse error. */
function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  if (!req.is(['application/json', 'application/*+json'])) return next(new HttpProblem('unsupported-media-type'));
  next();
}

/** Why PostgreSQL cannot store `text` (a NUL, a lone UTF-16 surrogate), or undefined when it can. */
function unstorable(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character (U+0000)';
  if (!text.isWellFormed()) return 'contains a lone UTF-16 surrogate (not valid Unicode)';
  return undefined;
}

const pointerPart = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Every string of a parsed body, keys included, that the store would refuse: JSON can carry
 * "\u0000" and "\ud800", PostgreSQL text and jsonb cannot. Found here, the client hears which
 * field (422) instead of a store error dressed as an outage. Depth-first, iterative: a deeply
 * nested body cannot overflow the stack.
 */
export function unstorableTextIssues(body: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const stack: { value: unknown; field: string }[] = [{ value: body, field: '' }];
  while (stack.length > 0 && issues.length < 20) {
    const { value, field } = stack.pop()!;
    if (typeof value === 'string') {
      const reason = unstorable(value);
      if (reason) issues.push({ field: field || '/', message: reason });
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({ value: item, field: `${field}/${i}` }));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        const reason = unstorable(key);
        const at = `${field}/${pointerPart(key)}`;
        if (reason) issues.push({ field: at, message: `this key ${reason}` });
        else stack.push({ value: item, field: at });
      }
    }
  }
  return issues.sort((a, b) => a.field.localeCompare(b.field));
}

function refuseUnstorableText(req: Request, _res: Response, next: NextFunction): void {
  const issues = unstorableTextIssues(req.body);
  if (issues.length > 0) return next(new HttpProblem('validation-failed', `${issues.length} problem(s) in the request body`, issues));
  next();
}

/**
 * Path and query strings, for every route: a NUL or a lone surrogate (%00, %ED%A0%80) is a
 * malformed parameter, refused before any handler compares it with the store.
 */
export function refuseUnstorableParameters(req: Request, _res: Response, next: NextFunction): void {
  let path: string;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    return next(new HttpProblem('invalid-parameter', 'the path is not valid percent-encoded UTF-8'));
  }
  if (unstorable(path)) return next(new HttpProblem('invalid-parameter', `the path ${unstorable(path)}`));
  for (const [name, value] of new URLSearchParams(req.url.split('?')[1] ?? '')) {
    const reason = unstorable(name) ?? unstorable(value);
    if (reason) return next(new HttpProblem('invalid-parameter', `query parameter ${unstorable(name) ? '(name)' : name} ${reason}`));
  }
  next();
}

/**
 * What a write route runs before its handler: JSON only, parsed strictly, at most `limit` bytes,
 * with only text the store can hold.
 */
export function jsonBody(limit: number): RequestHandler[] {
  return [requireJsonBody, express.json({ limit, type: () => true, strict: true }), refuseUnstorableText];
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
