/**
 * Reviewing a population import's held records (scope identity:review, rights `identity-reviews`):
 * list those still undecided, decide one. The work is identity/import-reviews.ts; here the
 * parameters, the body's schema, and refusals as problems naming the field. Registered before the
 * change reviews' routes: `/v1/identity-reviews/imports` is not a review id.
 */
import { Router, type Request, type RequestHandler } from 'express';
import { toIssues } from '../../schemas/validation.ts';
import { componentValidator } from '../api-document.ts';
import { requireScope } from '../auth.ts';
import type { GatewayDeps } from '../deps.ts';
import type { components } from '../generated/api.ts';
import { HttpProblem } from '../problems.ts';
import { authorizeRead, recordRead } from '../rights/enforce.ts';
import { decideHeld, decodeCursor, listHeld, type HeldDecision } from '../../identity/import-reviews.ts';

type Decision = components['schemas']['HeldImportDecision'];
type Result = components['schemas']['HeldImportDecisionResult'];

function text(raw: unknown, field: string, max: number): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > max)
    throw new HttpProblem('invalid-parameter', `${field} is a string of 1 to ${max} characters`, [
      { field: `/${field}`, message: 'invalid' },
    ]);
  return raw;
}

function positive(raw: unknown, field: string, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = typeof raw === 'string' && /^[0-9]{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= 1 && value <= max))
    throw new HttpProblem('invalid-parameter', `${field} is an integer from 1 to ${max}`, [{ field: `/${field}`, message: 'invalid' }]);
  return value;
}

export function importReviewsRoutes(
  deps: Pick<GatewayDeps, 'auth' | 'db' | 'flows' | 'rights' | 'onChangeAccepted' | 'identityResolver'>,
  jsonBody: RequestHandler[],
): Router {
  const router = Router();
  const scope = requireScope(deps.auth, 'identity:review');
  // Same right as the change reviews: whoever decides homonyms decides these.
  const allow = (req: Request, operation: string): Promise<string> => authorizeRead(deps, req.caller!, 'identity-reviews', { operation });
  const validateDecision = componentValidator<Decision>('HeldImportDecision');

  router.get('/v1/identity-reviews/imports', scope, async (req, res) => {
    const operation = 'GET /v1/identity-reviews/imports';
    const grant = await allow(req, operation);
    const system = text(req.query['system'], 'system', 100);
    if (system === undefined) throw new HttpProblem('invalid-parameter', 'system is required', [{ field: '/system', message: 'required' }]);
    const importId = text(req.query['importId'], 'importId', 300);
    const rawAfter = text(req.query['after'], 'after', 1000);
    const after = rawAfter === undefined ? undefined : decodeCursor(rawAfter);
    if (rawAfter !== undefined && !after)
      throw new HttpProblem('invalid-parameter', "after is a previous page's next", [{ field: '/after', message: 'not a page cursor' }]);
    const limit = positive(req.query['limit'], 'limit', 100, 500);
    const page = await listHeld(deps.db, { system, importId, after, limit });
    await recordRead(deps, req.caller!, { operation, grant, count: page.records.length });
    res.json({
      records: page.records.map(({ reason, ...record }) => ({ ...record, ...(reason ? { reason } : {}) })),
      ...(page.next ? { next: page.next } : {}),
    });
  });

  router.post('/v1/identity-reviews/imports/:importId/:line/decision', scope, ...jsonBody, async (req, res) => {
    const importId = text(req.params['importId'], 'importId', 300)!;
    const line = positive(req.params['line'], 'line', 0, 1_000_000_000);
    await allow(req, 'POST /v1/identity-reviews/imports/{importId}/{line}/decision');
    const body: unknown = req.body;
    if (!validateDecision(body))
      throw new HttpProblem('validation-failed', 'the decision does not match the schema', toIssues(validateDecision.errors));
    const decision: HeldDecision = 'registerId' in body ? body : { decision: 'reject', reason: body.reason };
    const outcome = await decideHeld(deps.db, {
      importId,
      line,
      decision,
      agent: req.caller!.name,
      registerSystem: deps.identityResolver?.system,
    });
    switch (outcome.outcome) {
      case 'not-found':
        throw new HttpProblem('not-found', 'no such held record');
      case 'already-decided':
        throw new HttpProblem('review-decided', `this record was already decided (${outcome.decision})`);
      case 'not-a-candidate':
        throw new HttpProblem('validation-failed', 'registerId is not one of the record’s candidates', [
          { field: '/registerId', message: 'not a candidate' },
        ]);
      case 'conflict':
        throw new HttpProblem(
          'crosswalk-conflict',
          'the identifier is linked already, or this person has another identifier in the system: unlink first',
          [{ field: '/registerId', message: 'cannot be linked' }],
        );
      case 'register-unknown':
        throw new HttpProblem('crosswalk-conflict', 'the register this import matched against is not known here');
      case 'linked': {
        if (outcome.redriven.length > 0) deps.onChangeAccepted?.();
        const { importId: id, line: at, system, localId } = outcome.record;
        const result: Result = {
          importId: id,
          line: at,
          system,
          localId,
          decision: 'linked',
          pivotId: outcome.pivotId,
          redriven: outcome.redriven,
        };
        res.json(result);
        return;
      }
      case 'rejected': {
        const { importId: id, line: at, system, localId } = outcome.record;
        const result: Result = { importId: id, line: at, system, localId, decision: 'rejected' };
        res.json(result);
      }
    }
  });
  return router;
}
