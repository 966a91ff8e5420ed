/**
 * A citizen's contacts that are not changes (interactions-store.ts):
 *   POST /v1/citizens/{pivotId}/interactions  scope citizens:write, rights `declare: interactions`
 *   GET  /v1/citizens/{pivotId}/interactions  scope citizens:read,  rights `read: interactions`
 * The agent is the caller, never a field of the body. A write is audited in the same transaction
 * (`interaction.logged`: the grant, the channel, the links; never the subject or the note); a
 * read is audited before it is served. A merged pivot id stands for the citizen it was merged into.
 */
import { Router, type RequestHandler } from 'express';
import { appendAudit } from '../../core/audit/append.ts';
import { pivotsOf } from '../../identity/crosswalk.ts';
import { toIssues } from '../../schemas/validation.ts';
import { componentValidator } from '../api-document.ts';
import { requireScope } from '../auth.ts';
import type { GatewayDeps } from '../deps.ts';
import type { components } from '../generated/api.ts';
import { foreignIds, insertInteraction, interactionsOf } from '../interactions-store.ts';
import { HttpProblem } from '../problems.ts';
import { authorizeDeclare, authorizeRead, recordRead } from '../rights/enforce.ts';
import { citizenOf, pivotParameter } from './citizen-path.ts';

type Declaration = components['schemas']['InteractionDeclaration'];
type List = components['schemas']['InteractionList'];

const PATH = '/v1/citizens/{pivotId}/interactions';

/** A 422 naming each linked id that is not about this citizen. */
async function checkLinks(deps: Pick<GatewayDeps, 'db'>, body: Declaration, pivots: string[]): Promise<void> {
  const issues = [
    ...(await foreignIds(deps.db, body.changeIds ?? [], pivots, false)).map((id) => ({ list: 'changeIds', id })),
    ...(await foreignIds(deps.db, body.requestIds ?? [], pivots, true)).map((id) => ({ list: 'requestIds', id })),
  ].map(({ list, id }) => ({
    field: `/${list}/${(list === 'changeIds' ? body.changeIds : body.requestIds)!.indexOf(id)}`,
    message: 'not a change or request about this citizen',
  }));
  if (issues.length > 0) throw new HttpProblem('validation-failed', 'a linked id is not about this citizen', issues);
}

export function interactionsRoutes(deps: Pick<GatewayDeps, 'auth' | 'db' | 'rights'>, jsonBody: RequestHandler[]): Router {
  const router = Router();
  const validate = componentValidator<Declaration>('InteractionDeclaration');

  router.post('/v1/citizens/:pivotId/interactions', requireScope(deps.auth, 'citizens:write'), ...jsonBody, async (req, res) => {
    const operation = `POST ${PATH}`;
    const pivotId = pivotParameter(req);
    // Rights before the body: a caller that may not log contacts learns nothing from validation.
    const grant = await authorizeDeclare(deps, req.caller!, 'interactions', { operation, pivotId });
    const body: unknown = req.body;
    if (!validate(body)) throw new HttpProblem('validation-failed', 'the request does not match the schema', toIssues(validate.errors));
    const citizen = await citizenOf(deps.db, pivotId);
    const pivots = await pivotsOf(deps.db, citizen);
    await checkLinks(deps, body, pivots);
    const logged = await deps.db.transaction(async (tx) => {
      const interaction = await insertInteraction(tx, {
        pivotId: citizen,
        channel: body.channel,
        subject: body.subject,
        note: body.note,
        occurredAt: body.occurredAt ?? new Date().toISOString(),
        agent: req.caller!.name,
        changeIds: (body.changeIds ?? []).map((id) => id.toLowerCase()),
        requestIds: (body.requestIds ?? []).map((id) => id.toLowerCase()),
      });
      await appendAudit(tx, {
        actor: req.caller!.name,
        action: 'interaction.logged',
        pivotId: citizen,
        channel: body.channel,
        details: { operation, grant, interactionId: interaction.id, changeIds: interaction.changeIds, requestIds: interaction.requestIds },
      });
      return interaction;
    });
    res
      .status(201)
      .location(`${PATH.replace('{pivotId}', citizen)}#${logged.id}`)
      .json(logged);
  });

  router.get('/v1/citizens/:pivotId/interactions', requireScope(deps.auth, 'citizens:read'), async (req, res) => {
    const operation = `GET ${PATH}`;
    const pivotId = pivotParameter(req);
    const grant = await authorizeRead(deps, req.caller!, 'interactions', { operation, pivotId });
    const citizen = await citizenOf(deps.db, pivotId);
    const interactions = await interactionsOf(deps.db, await pivotsOf(deps.db, citizen), citizen);
    await recordRead(deps, req.caller!, { operation, pivotId: citizen, grant, count: interactions.length });
    const list: List = { pivotId: citizen, interactions };
    res.json(list);
  });
  return router;
}
