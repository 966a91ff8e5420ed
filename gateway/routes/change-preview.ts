/**
 * POST /v1/changes/preview (scope changes:write): what POST /v1/changes would do with this body,
 * without storing or sending anything — the systems concerned, the route and legal basis of
 * each, the fields each would receive after minimisation, and the systems the flows name that
 * hold no file on the citizen. Computed by the same functions as the acceptance (planDeliveries,
 * concernedIn) from the flows in force, so the desk sees what will happen, not a description.
 * The same rights as telling the change: a preview reveals which systems hold a file.
 * Systems of a route whose basis is the citizen's own request are listed whether the request's
 * `recipients` names them or not (`optional`, `chosen`): that is where the citizen chooses.
 */
import { Router, type RequestHandler } from 'express';
import { planDeliveries } from '../../core/flows/plan.ts';
import type { Queryable } from '../../core/store/db.ts';
import { currentPivot } from '../../identity/crosswalk.ts';
import { requireScope } from '../auth.ts';
import { componentValidator } from '../api-document.ts';
import { citizenUnknown, concernedIn } from '../changes/accept.ts';
import type { components } from '../generated/api.ts';
import { authorizeOrigination } from '../rights/enforce.ts';
import { checkChangeRequest, type ChangesDeps } from './changes.ts';

type ChangeRequest = components['schemas']['ChangeRequest'];
type ChangePreview = components['schemas']['ChangePreview'];

/** The dot paths of the leaves of a projected event data (`address.postcode`, `effectiveDate`). */
function leafPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return prefix ? [prefix] : [];
  return Object.entries(value).flatMap(([key, child]) => leafPaths(child, prefix ? `${prefix}.${key}` : key));
}

/**
 * The pivot id a change request names, when the crosswalk knows it: undefined for civil data and
 * for a system identifier seen for the first time (accepting it may make the citizen known),
 * null for an unknown pivot id (POST /v1/changes refuses it).
 */
async function pivotOf(db: Queryable, citizen: ChangeRequest['citizen']): Promise<string | undefined | null> {
  if ('civil' in citizen) return undefined;
  if ('pivotId' in citizen) return (await currentPivot(db, citizen.pivotId.toLowerCase())) ?? null;
  const found = await db.query<{ pivot_id: string }>('SELECT pivot_id FROM citizen_identifiers WHERE system = $1 AND local_id = $2', [
    citizen.system,
    citizen.id,
  ]);
  const pivot = found.rows[0]?.pivot_id;
  return pivot ? await currentPivot(db, pivot) : undefined;
}

export function changePreviewRoutes(deps: ChangesDeps, jsonBody: RequestHandler[]): Router {
  const router = Router();
  const validate = componentValidator<ChangeRequest>('ChangeRequest');
  router.post('/v1/changes/preview', requireScope(deps.auth, 'changes:write'), ...jsonBody, async (req, res) => {
    const flows = deps.flows();
    const change = checkChangeRequest(validate, req.body, flows);
    await authorizeOrigination(deps, req.caller!, change, 'POST /v1/changes/preview');
    const pivotId = await pivotOf(deps.db, change.citizen);
    if (pivotId === null) throw citizenUnknown({ pivotId: String((change.citizen as { pivotId: string }).pivotId) });
    // Every system the citizen could ask to inform, so the preview offers the choice.
    const offered = flows.routes
      .filter((r) => r.event === change.type && r.basis.kind === 'citizen-request')
      .flatMap((r) => r.to.map((t) => t.system));
    const chosen = new Set(change.recipients ?? []);
    const recipients = [...new Set([...chosen, ...offered])];
    const plan = planDeliveries(flows, { type: change.type, data: change.data, channel: change.channel, recipients });
    const concerned = pivotId === undefined ? { ...plan, notConcerned: [] } : await concernedIn(deps.db, pivotId, plan, change.type);
    const preview: ChangePreview = {
      type: change.type,
      citizenKnown: pivotId !== undefined,
      recipients: concerned.deliveries.map((d) => ({
        system: d.system,
        route: d.routeId,
        basis: d.basis,
        basisReference: d.basisReference,
        fields: leafPaths(d.data),
        optional: d.basis === 'citizen-request',
        ...(d.basis === 'citizen-request' ? { chosen: chosen.has(d.system) } : {}),
      })),
      notConcerned: concerned.notConcerned,
    };
    res.json(preview);
  });
  return router;
}
