/**
 * The citizen's privacy (docs/privacy.md): who received their data, and their objections.
 *   GET    /v1/citizens/{pivotId}/disclosures          scope citizens:read,  `read: own-disclosures` (the citizen) or `read: disclosures` + purpose
 *   GET    /v1/citizens/{pivotId}/objections           scope citizens:read,  `declare: own-objections` or `declare: objections`
 *   PUT    /v1/citizens/{pivotId}/objections/{system}  scope citizens:write, the same
 *   DELETE /v1/citizens/{pivotId}/objections/{system}  scope citizens:write, the same
 *   GET    /v1/me                                      scope citizens:read: who the token stands for (citizen-identity.ts)
 * "Own" means the caller's token names this very citizen (its pivot id claim, the crosswalk's
 * merges followed both ways). Reads are audited before they are served; an objection and its
 * withdrawal are audited in the transaction that writes them.
 */
import { Router, type Request } from 'express';
import { appendAudit } from '../../core/audit/append.ts';
import { isUuid } from '../../core/ids.ts';
import type { Queryable } from '../../core/store/db.ts';
import { currentPivot, pivotsOf } from '../../identity/crosswalk.ts';
import { disclosuresOf } from '../disclosures-view.ts';
import { objectableRoutes, objectionsOf, recordObjection, withdrawObjection } from '../../privacy/objections.ts';
import { requireScope, type Caller } from '../auth.ts';
import type { GatewayDeps } from '../deps.ts';
import type { components } from '../generated/api.ts';
import { HttpProblem } from '../problems.ts';
import { declareDecision, isRefusal, readDecision } from '../rights/decide.ts';
import { authorizeDeclare, authorizeRead, recordRead } from '../rights/enforce.ts';
import { purposeOf } from './citizens.ts';

type Deps = Pick<GatewayDeps, 'auth' | 'db' | 'rights' | 'flows'>;
type Objection = components['schemas']['Objection'];

function pivotParameter(req: Request): string {
  const raw = String(req.params['pivotId'] ?? '');
  if (!isUuid(raw))
    throw new HttpProblem('invalid-parameter', 'the pivot id is a UUID', [{ field: '/pivotId', message: 'must be a UUID' }]);
  return raw.toLowerCase();
}

/** The citizen the pivot id stands for now, or a 404 naming the parameter. */
async function citizenOf(db: Queryable, pivotId: string): Promise<string> {
  const current = await currentPivot(db, pivotId);
  if (!current) throw new HttpProblem('not-found', 'no such citizen', [{ field: '/pivotId', message: 'unknown pivot id' }]);
  return current;
}

/** Whether the caller's token names this citizen: its pivot id claim stands for the same citizen now. */
export async function isOwnCitizen(db: Queryable, caller: Caller, citizen: string): Promise<boolean> {
  if (!caller.pivotId) return false;
  return (await currentPivot(db, caller.pivotId.toLowerCase())) === citizen;
}

/** The grant to declare objections about this citizen: their own, or any citizen's (a refusal is audited and thrown). */
async function objectionGrant(deps: Deps, caller: Caller, citizen: string, operation: string): Promise<string> {
  const own = declareDecision(deps.rights, caller, 'own-objections');
  if (!isRefusal(own) && (await isOwnCitizen(deps.db, caller, citizen))) return own.label;
  return authorizeDeclare(deps, caller, 'objections', { operation, pivotId: citizen });
}

function systemParameter(deps: Deps, req: Request): string {
  const system = String(req.params['system'] ?? '');
  if (!deps.flows().systems.has(system))
    throw new HttpProblem('validation-failed', 'no such system in the flows', [{ field: '/system', message: 'unknown system' }]);
  return system;
}

/** 409 naming the rule when no route to the system has a basis that allows an objection. */
function checkObjectable(deps: Deps, system: string): void {
  if (objectableRoutes(deps.flows(), system).length > 0) return;
  const routes = deps
    .flows()
    .routes.filter((route) => route.to.some((target) => target.system === system))
    .map((route) => `${route.id} (${route.basis.kind}, ${route.file})`);
  throw new HttpProblem(
    'objection-not-allowed',
    `no route to ${system} has a legal basis with objection: allowed (basis.objection); routes to it: ${routes.join(', ') || 'none'}`,
    [{ field: '/system', message: 'no legal basis allows an objection' }],
    'basis.objection',
  );
}

/** An objection recorded or withdrawn, audited in the same transaction when it changed anything. */
async function auditedWrite(
  deps: Deps,
  caller: Caller,
  entry: { action: 'objection.recorded' | 'objection.withdrawn'; citizen: string; system: string; operation: string; grant: string },
  write: (tx: Queryable) => Promise<boolean>,
): Promise<boolean> {
  return deps.db.transaction(async (tx) => {
    const changed = await write(tx);
    const { action, citizen, system, operation, grant } = entry;
    if (changed) await appendAudit(tx, { actor: caller.name, action, pivotId: citizen, details: { operation, grant, system } });
    return changed;
  });
}

export function privacyRoutes(deps: Deps): Router {
  const router = Router();

  router.get('/v1/citizens/:pivotId/disclosures', requireScope(deps.auth, 'citizens:read'), async (req, res) => {
    const operation = 'GET /v1/citizens/{pivotId}/disclosures';
    const caller = req.caller!;
    const citizen = await citizenOf(deps.db, pivotParameter(req));
    const own = readDecision(deps.rights, caller, 'own-disclosures');
    const ownCitizen = !isRefusal(own) && (await isOwnCitizen(deps.db, caller, citizen));
    const allowed =
      ownCitizen && !isRefusal(own)
        ? { grant: own.label, purpose: undefined }
        : {
            grant: await authorizeRead(deps, caller, 'disclosures', { operation, pivotId: citizen }),
            purpose: purposeOf(req, 'disclosures'),
          };
    const flows = deps.flows();
    // Whether the citizen may object to this recipient, by the flows in force (the citizen space offers it).
    const entries = (await disclosuresOf(deps.db, await pivotsOf(deps.db, citizen)))
      // The citizen's own reads (their journey page, this page) are not someone else's.
      .filter((entry) => !(ownCitizen && entry.kind === 'read' && entry.reader === caller.name))
      .map((entry) =>
        entry.kind === 'delivery' && entry.system
          ? { ...entry, objectionAllowed: objectableRoutes(flows, entry.system).length > 0 }
          : entry,
      );
    await recordRead(deps, caller, { operation, pivotId: citizen, ...allowed, count: entries.length });
    res.json({ pivotId: citizen, entries });
  });

  router.get('/v1/me', requireScope(deps.auth, 'citizens:read'), (req, res) => {
    const caller = req.caller!;
    const me: components['schemas']['Me'] = {
      name: caller.name,
      kind: caller.kind,
      roles: caller.roles ?? [],
      ...(caller.pivotId ? { pivotId: caller.pivotId } : {}),
      ...(caller.identityMatch ? { identity: caller.identityMatch } : {}),
    };
    res.json(me);
  });

  router.get('/v1/citizens/:pivotId/objections', requireScope(deps.auth, 'citizens:read'), async (req, res) => {
    const citizen = await citizenOf(deps.db, pivotParameter(req));
    await objectionGrant(deps, req.caller!, citizen, 'GET /v1/citizens/{pivotId}/objections');
    res.json({ pivotId: citizen, objections: await objectionsOf(deps.db, citizen) });
  });

  router.put('/v1/citizens/:pivotId/objections/:system', requireScope(deps.auth, 'citizens:write'), async (req, res) => {
    const operation = 'PUT /v1/citizens/{pivotId}/objections/{system}';
    const citizen = await citizenOf(deps.db, pivotParameter(req));
    const grant = await objectionGrant(deps, req.caller!, citizen, operation);
    const system = systemParameter(deps, req);
    checkObjectable(deps, system);
    const created = await auditedWrite(deps, req.caller!, { action: 'objection.recorded', citizen, system, operation, grant }, (tx) =>
      recordObjection(tx, citizen, system, req.caller!.name),
    );
    const objection: Objection | undefined = (await objectionsOf(deps.db, citizen)).find((o) => o.system === system);
    res.status(created ? 201 : 200).json(objection);
  });

  router.delete('/v1/citizens/:pivotId/objections/:system', requireScope(deps.auth, 'citizens:write'), async (req, res) => {
    const operation = 'DELETE /v1/citizens/{pivotId}/objections/{system}';
    const citizen = await citizenOf(deps.db, pivotParameter(req));
    const grant = await objectionGrant(deps, req.caller!, citizen, operation);
    const system = systemParameter(deps, req);
    const withdrawn = await auditedWrite(deps, req.caller!, { action: 'objection.withdrawn', citizen, system, operation, grant }, (tx) =>
      withdrawObjection(tx, citizen, system),
    );
    if (!withdrawn) throw new HttpProblem('not-found', `no objection to ${system} is in force for this citizen`);
    res.status(204).end();
  });
  return router;
}
