/**
 * The identity review endpoints (scope identity:review): list and read the changes held because
 * their civil data matched several people in the register, and decide them.
 */
import { Router, type Request, type RequestHandler } from 'express';
import { isUuid } from '../../core/ids.ts';
import { toIssues } from '../../schemas/validation.ts';
import { componentValidator } from '../api-document.ts';
import { requireScope } from '../auth.ts';
import { getChange } from '../changes/view.ts';
import type { GatewayDeps } from '../deps.ts';
import type { components } from '../generated/api.ts';
import { decideReview, getReview, listReviews } from '../identity-reviews-store.ts';
import { HttpProblem } from '../problems.ts';
import { authorizeRead, recordRead } from '../rights/enforce.ts';

type Decision = components['schemas']['IdentityDecision'];
type ReviewStatus = components['schemas']['IdentityReviewStatus'];
const statuses: readonly ReviewStatus[] = ['pending', 'matched', 'rejected'];

function reviewId(raw: unknown): string {
  const id = typeof raw === 'string' ? raw : '';
  if (!isUuid(id)) throw new HttpProblem('invalid-parameter', 'the review id is a UUID', [{ field: '/id', message: 'must be a UUID' }]);
  return id.toLowerCase();
}

export function identityReviewsRoutes(
  deps: Pick<GatewayDeps, 'auth' | 'db' | 'flows' | 'topics' | 'onChangeAccepted' | 'rights' | 'citizenKeys'>,
  jsonBody: RequestHandler[],
): Router {
  const router = Router();
  const scope = requireScope(deps.auth, 'identity:review');
  // Reviews hold civil data: the rights file must allow them, and each read is recorded.
  const allow = (req: Request, operation: string): Promise<string> => authorizeRead(deps, req.caller!, 'identity-reviews', { operation });
  const validateDecision = componentValidator<Decision>('IdentityDecision');

  router.get('/v1/identity-reviews', scope, async (req, res) => {
    const status = (req.query['status'] ?? 'pending') as ReviewStatus;
    if (!statuses.includes(status))
      throw new HttpProblem('invalid-parameter', `status is one of ${statuses.join(', ')}`, [
        { field: '/status', message: 'unknown status' },
      ]);
    const operation = 'GET /v1/identity-reviews';
    const grant = await allow(req, operation);
    const reviews = await listReviews(deps.db, status);
    await recordRead(deps, req.caller!, { operation, grant, count: reviews.length });
    res.json({ reviews });
  });

  router.get('/v1/identity-reviews/:id', scope, async (req, res) => {
    const operation = 'GET /v1/identity-reviews/{id}';
    const grant = await allow(req, operation);
    const review = await getReview(deps.db, reviewId(req.params['id']));
    if (!review) throw new HttpProblem('not-found', 'no such identity review');
    await recordRead(deps, req.caller!, { operation, grant, changeId: review.changeId });
    res.json(review);
  });

  router.post('/v1/identity-reviews/:id/decision', scope, ...jsonBody, async (req, res) => {
    const id = reviewId(req.params['id']);
    await allow(req, 'POST /v1/identity-reviews/{id}/decision');
    const body: unknown = req.body;
    if (!validateDecision(body))
      throw new HttpProblem('validation-failed', 'the decision does not match the schema', toIssues(validateDecision.errors));
    const outcome = await decideReview(deps.db, {
      reviewId: id,
      decision: body,
      agent: req.caller!.name,
      flows: deps.flows(),
      eventsTopic: deps.topics.events,
      keys: deps.citizenKeys,
    });
    switch (outcome.outcome) {
      case 'not-found':
        throw new HttpProblem('not-found', 'no such identity review');
      case 'already-decided':
        throw new HttpProblem('review-decided', `this review was already decided (${outcome.review.status})`);
      case 'not-a-candidate':
        throw new HttpProblem('validation-failed', 'registerId is not one of the review’s candidates', [
          { field: '/registerId', message: 'not a candidate' },
        ]);
      case 'decided':
        deps.onChangeAccepted?.();
        res.json({ review: outcome.review, change: await getChange(deps.db, outcome.review.changeId) });
    }
  });
  return router;
}
