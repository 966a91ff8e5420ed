/**
 * Managing the crosswalk (scope identity:manage, rights `crosswalk`): link a system's identifier
 * to a citizen, unlink it, merge two pivot ids, and re-drive the changes a system could not
 * receive for want of an identifier. The work and its semantics are identity/crosswalk.ts;
 * here: the body's schema, the system declared in the flows, and refusals as problems naming the
 * field. Every decision is audited in its own transaction.
 */
import { Router, type Request, type RequestHandler } from 'express';
import { toIssues } from '../../schemas/validation.ts';
import { componentValidator } from '../api-document.ts';
import { requireScope } from '../auth.ts';
import type { GatewayDeps } from '../deps.ts';
import type { components } from '../generated/api.ts';
import { HttpProblem } from '../problems.ts';
import { authorizeRead } from '../rights/enforce.ts';
import {
  isRefusal,
  linkCitizen,
  mergeCitizens,
  redriveUnknown,
  unlinkCitizen,
  type CrosswalkRefusal,
  type RedriveResult,
} from '../../identity/crosswalk.ts';

type LinkRequest = components['schemas']['IdentityLinkRequest'];
type UnlinkRequest = components['schemas']['IdentityUnlinkRequest'];
type MergeRequest = components['schemas']['IdentityMergeRequest'];
type RedriveRequest = components['schemas']['IdentityRedriveRequest'];
type Linked = { pivotId: string; created: boolean };
type Merged = { pivotId: string; merged: string; movedSystems: string[] };

function problemOf(refusal: CrosswalkRefusal): HttpProblem {
  switch (refusal.refusal) {
    case 'citizen-unknown':
      return new HttpProblem('not-found', 'no such citizen', [{ field: refusal.field, message: 'unknown pivot id' }]);
    case 'identifier-unknown':
      return new HttpProblem('not-found', 'this identifier is not in the crosswalk', [{ field: refusal.field, message: 'not linked' }]);
    case 'identifier-linked-elsewhere':
      return new HttpProblem(
        'crosswalk-conflict',
        `this identifier is linked to another citizen (${refusal.pivotId}): merge them, or unlink it first`,
        [{ field: refusal.field, message: 'linked to another citizen' }],
      );
    case 'system-already-linked':
      return new HttpProblem('crosswalk-conflict', `the citizen already has another identifier in ${refusal.system}: unlink it first`, [
        { field: refusal.field, message: `another identifier in ${refusal.system}` },
      ]);
    case 'same-citizen':
      return new HttpProblem('validation-failed', 'from and into are the same citizen', [
        { field: refusal.field, message: 'same citizen' },
      ]);
  }
}

/** The decision's result, or its refusal as a problem (thrown outside the transaction: a throw inside reads as a store failure). */
function settled<T extends object>(result: T | CrosswalkRefusal): T {
  if (isRefusal(result)) throw problemOf(result);
  return result;
}

export function identitiesRoutes(
  deps: Pick<GatewayDeps, 'auth' | 'db' | 'flows' | 'rights' | 'onChangeAccepted'>,
  jsonBody: RequestHandler[],
): Router {
  const router = Router();
  const scope = requireScope(deps.auth, 'identity:manage');
  const validators = {
    link: componentValidator<LinkRequest>('IdentityLinkRequest'),
    unlink: componentValidator<UnlinkRequest>('IdentityUnlinkRequest'),
    merge: componentValidator<MergeRequest>('IdentityMergeRequest'),
    redrive: componentValidator<RedriveRequest>('IdentityRedriveRequest'),
  };

  /** The caller's right and the body, valid against its schema, every system named declared in the flows. */
  async function accepted<T>(req: Request, name: keyof typeof validators, operation: string, systems: (body: T) => string[]): Promise<T> {
    await authorizeRead(deps, req.caller!, 'crosswalk', { operation });
    const validate = validators[name] as unknown as ((body: unknown) => body is T) & { errors?: unknown };
    const body: unknown = req.body;
    if (!validate(body))
      throw new HttpProblem('validation-failed', 'the request does not match the schema', toIssues(validators[name].errors));
    const declared = deps.flows().systems;
    const unknown = systems(body).find((system) => !declared.has(system));
    if (unknown !== undefined)
      throw new HttpProblem('validation-failed', `no system ${unknown} is declared in the flows`, [
        { field: '/system', message: 'not declared in the flows' },
      ]);
    return body;
  }

  const decider = (req: Request, reason?: string) => ({ actor: req.caller!.name, reason });
  const redriven = (result: RedriveResult | undefined): void => {
    if (result && result.redriven.length > 0) deps.onChangeAccepted?.();
  };

  router.post('/v1/identities/links', scope, ...jsonBody, async (req, res) => {
    const body = await accepted<LinkRequest>(req, 'link', 'POST /v1/identities/links', (b) => [b.system]);
    const result = settled(
      await deps.db.transaction(async (tx): Promise<{ linked: Linked; again?: RedriveResult } | CrosswalkRefusal> => {
        const linked = await linkCitizen(tx, { pivotId: body.pivotId, system: body.system, localId: body.id }, decider(req, body.reason));
        if (isRefusal(linked) || !body.redrive) return isRefusal(linked) ? linked : { linked };
        const again = await redriveUnknown(tx, { pivotId: linked.pivotId, systems: [body.system] }, decider(req, 'after link'));
        return isRefusal(again) ? again : { linked, again };
      }),
    );
    redriven(result.again);
    res.status(result.linked.created ? 201 : 200).json({
      pivotId: result.linked.pivotId,
      system: body.system,
      id: body.id,
      created: result.linked.created,
      ...(result.again ? { redriven: result.again.redriven } : {}),
    });
  });

  router.post('/v1/identities/unlink', scope, ...jsonBody, async (req, res) => {
    const body = await accepted<UnlinkRequest>(req, 'unlink', 'POST /v1/identities/unlink', (b) => [b.system]);
    const result = settled(
      await deps.db.transaction((tx) => unlinkCitizen(tx, { system: body.system, localId: body.id }, decider(req, body.reason))),
    );
    res.json({ pivotId: result.pivotId, system: body.system, id: body.id });
  });

  router.post('/v1/identities/merge', scope, ...jsonBody, async (req, res) => {
    const body = await accepted<MergeRequest>(req, 'merge', 'POST /v1/identities/merge', () => []);
    const result = settled(
      await deps.db.transaction(async (tx): Promise<{ merged: Merged; again?: RedriveResult } | CrosswalkRefusal> => {
        const merged = await mergeCitizens(tx, { from: body.from, into: body.into }, decider(req, body.reason));
        if (isRefusal(merged) || body.redrive === false) return isRefusal(merged) ? merged : { merged };
        const again = await redriveUnknown(tx, { pivotId: merged.pivotId }, decider(req, 'after merge'));
        return isRefusal(again) ? again : { merged, again };
      }),
    );
    redriven(result.again);
    res.json({ ...result.merged, ...(result.again ? { redriven: result.again.redriven } : {}) });
  });

  router.post('/v1/identities/redrive', scope, ...jsonBody, async (req, res) => {
    const body = await accepted<RedriveRequest>(req, 'redrive', 'POST /v1/identities/redrive', (b) => b.systems ?? []);
    const result = settled(
      await deps.db.transaction((tx) => redriveUnknown(tx, { pivotId: body.pivotId, systems: body.systems }, decider(req, body.reason))),
    );
    redriven(result);
    res.json(result);
  });
  return router;
}
