/**
 * RFC 9457 problem details. Each problem has a stable code (never reused; docs/errors.md) and,
 * for validation failures, the failing fields as JSON pointers into the request body.
 */
import type { NextFunction, Request, Response } from 'express';
import { RelaisError } from '../core/errors.ts';
import type { ValidationIssue } from '../schemas/validation.ts';
import type { GatewayDeps } from './deps.ts';
import type { components } from './generated/api.ts';

type Problem = components['schemas']['Problem'];

export const problemTypes = {
  'malformed-json': { status: 400, title: 'The request body is not valid JSON' },
  'undecodable-body': { status: 400, title: 'The request body could not be read as sent (Content-Encoding, length)' },
  'invalid-parameter': { status: 400, title: 'A path or header parameter is invalid' },
  unauthenticated: { status: 401, title: 'A valid bearer credential is required' },
  forbidden: { status: 403, title: 'The credential lacks the required scope' },
  'rights-refused': { status: 403, title: 'The rights file does not allow this caller to do this' },
  'not-found': { status: 404, title: 'No such resource' },
  'idempotency-conflict': { status: 409, title: 'This Idempotency-Key was used for a different request' },
  'citizen-deceased': { status: 409, title: 'A death is registered for this citizen; only the register may still correct their record' },
  'review-decided': { status: 409, title: 'This identity review was already decided' },
  'crosswalk-conflict': { status: 409, title: 'The crosswalk already says otherwise' },
  'store-conflict': { status: 409, title: 'The request conflicts with what is already stored' },
  'request-closed': { status: 409, title: 'This service request is closed; nothing more can be done with it' },
  'objection-not-allowed': { status: 409, title: 'No legal basis of the flows to this system allows the citizen to object' },
  'payload-too-large': { status: 413, title: 'The request body is too large' },
  'unsupported-media-type': { status: 415, title: 'The request body must be application/json' },
  'rate-limited': { status: 429, title: 'Too many requests for this credential' },
  'citizen-unknown': { status: 422, title: 'No citizen known to Relais is named this way; nothing was stored' },
  'validation-failed': { status: 422, title: 'The request does not match the schema' },
  'store-unavailable': { status: 503, title: 'The state store is unavailable; nothing was stored, retry later' },
  'register-unavailable': { status: 503, title: 'The civil register could not be asked; nothing was stored, retry later' },
  'erasure-unavailable': { status: 503, title: 'Erasure needs the master key (RELAIS_MASTER_KEY_FILE); nothing was erased' },
  'kafka-unavailable': { status: 503, title: 'Kafka could not be reached; nothing was done, retry later' },
  'gateway-overloaded': { status: 503, title: 'Too many changes are waiting for the store; nothing was stored, retry shortly' },
  internal: { status: 500, title: 'Internal error' },
} as const;

export type ProblemCode = keyof typeof problemTypes;

/** Seconds to wait before retrying, for the problems a retry can cure (sent as Retry-After). */
const retryAfterSeconds: Partial<Record<ProblemCode, number>> = {
  'store-unavailable': 5,
  'register-unavailable': 5,
  'kafka-unavailable': 5,
  'gateway-overloaded': 1,
};

/** The headers a problem carries besides its body: the bearer challenge, or when to retry. */
function headersOf(code: ProblemCode): Record<string, string> {
  if (code === 'unauthenticated') return { 'WWW-Authenticate': 'Bearer realm="relais"' };
  const seconds = retryAfterSeconds[code];
  return seconds === undefined ? {} : { 'Retry-After': String(seconds) };
}

export class HttpProblem extends Error {
  readonly code: ProblemCode;
  readonly detail: string | undefined;
  readonly errors: ValidationIssue[] | undefined;
  /** The rights rule that refused (rights-refused only). */
  readonly rule: string | undefined;

  constructor(code: ProblemCode, detail?: string, errors?: ValidationIssue[], rule?: string) {
    super(detail ?? problemTypes[code].title);
    this.code = code;
    this.detail = detail;
    this.errors = errors;
    this.rule = rule;
  }
}

export function problemBody(
  code: ProblemCode,
  options: { detail?: string | undefined; instance?: string; errors?: ValidationIssue[] | undefined; rule?: string | undefined } = {},
): Problem {
  const { status, title } = problemTypes[code];
  const body: Problem = { type: `https://relais.example/problems/${code}`, title, status, code };
  if (options.detail) body.detail = options.detail;
  if (options.instance) body.instance = options.instance;
  if (options.errors?.length) body.errors = options.errors;
  if (options.rule) body.rule = options.rule;
  return body;
}

export function sendProblem(res: Response, problem: Problem, headers: Record<string, string> = {}): void {
  res.status(problem.status).set(headers).type('application/problem+json').send(JSON.stringify(problem));
}

/** The matched route pattern (`/v1/changes/:id`), never the path with its ids. */
function routeOf(req: Request): string {
  const route = req.route as { path?: unknown } | undefined;
  return typeof route?.path === 'string' ? route.path : 'unmatched';
}

/** After every router: a request no route took. */
export function noRoute(req: Request, _res: Response, next: NextFunction): void {
  next(new HttpProblem('not-found', `no route ${req.method} ${req.path}`));
}

/** The body parser's refusals, by its error `type`, as problems. */
function parserProblem(error: unknown, maxBodyBytes: number, instance: string): Problem | undefined {
  switch ((error as { type?: unknown } | null)?.type) {
    case 'entity.too.large':
      return problemBody('payload-too-large', { detail: `the limit is ${maxBodyBytes} bytes`, instance });
    case 'entity.parse.failed':
      return problemBody('malformed-json', {
        detail: 'the body could not be parsed as JSON',
        instance,
        errors: [{ field: '/', message: 'malformed JSON' }],
      });
    case 'encoding.unsupported':
      return problemBody('unsupported-media-type', { detail: 'use Content-Encoding identity, gzip, deflate or br', instance });
    case 'charset.unsupported':
      return problemBody('unsupported-media-type', { detail: 'use UTF-8 JSON', instance });
    default:
      // A body that does not inflate (gzip announced, garbage sent), one shorter or longer than
      // its Content-Length, an aborted upload: the parser's 400s without a type of their own.
      return isClientError(error) ? problemBody('undecodable-body', { detail: 'the body could not be read as sent', instance }) : undefined;
  }
}

/** An http-errors 400 (what the body parser raises), as opposed to a bug that happens to have a status. */
function isClientError(error: unknown): boolean {
  const { status, expose } = (error ?? {}) as { status?: unknown; expose?: unknown };
  return status === 400 && expose === true;
}

/** The one error handler, last in the app: every error leaves as an RFC 9457 problem. */
export function problemHandler(deps: Pick<GatewayDeps, 'logger' | 'maxBodyBytes'>) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const instance = req.originalUrl;
    if (error instanceof HttpProblem) {
      const body = problemBody(error.code, { detail: error.detail, instance, errors: error.errors, rule: error.rule });
      return sendProblem(res, body, headersOf(error.code));
    }
    const refused = parserProblem(error, deps.maxBodyBytes, instance);
    if (refused) return sendProblem(res, refused);
    if (error instanceof RelaisError && error.code === 'STORE_CONFLICT') {
      deps.logger.warn({ err: error, route: routeOf(req) }, 'state store refused a conflicting write');
      return sendProblem(res, problemBody('store-conflict', { detail: error.message, instance }));
    }
    if (error instanceof RelaisError && error.code === 'STORE_UNAVAILABLE') {
      deps.logger.error({ err: error, route: routeOf(req) }, 'state store failed');
      return sendProblem(res, problemBody('store-unavailable', { instance }), headersOf('store-unavailable'));
    }
    deps.logger.error({ err: error, route: routeOf(req) }, 'unhandled error');
    sendProblem(res, problemBody('internal', { instance }));
  };
}
