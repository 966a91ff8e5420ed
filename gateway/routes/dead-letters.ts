/**
 * The dead-letter endpoints of one system: list (scope systems:read), replay and discard (scope
 * dead-letters:write), all for callers the rights file lets read dead letters; replaying and
 * discarding also need `declare: dead-letter-triage` (operators, docs/adr/0036). A list is
 * recorded in the audit log (it names citizens by pivot id); each replay and discard is audited.
 * The work is in dead-letters.ts; here: the system must be declared in the flows, the body must
 * match the API, and a Kafka that cannot be reached is a 503 problem, not an internal error.
 */
import { Router, type Request, type RequestHandler } from 'express';
import { RelaisError } from '../../core/errors.ts';
import { isUuid } from '../../core/ids.ts';
import { toIssues } from '../../schemas/validation.ts';
import { componentValidator } from '../api-document.ts';
import { requireScope } from '../auth.ts';
import { fixDeadLetter, inspectDeadLetter } from '../dead-letter-fix.ts';
import { discardDeadLetters, listDeadLetters, replayDeadLetters, type DeadLetterSources } from '../dead-letters.ts';
import type { GatewayDeps } from '../deps.ts';
import type { components } from '../generated/api.ts';
import { HttpProblem } from '../problems.ts';
import { authorizeDeclare, authorizeRead, recordRead } from '../rights/enforce.ts';

type Replay = components['schemas']['DeadLetterReplay'];
type Discard = components['schemas']['DeadLetterDiscard'];
type Fix = components['schemas']['DeadLetterFix'];

export type DeadLettersDeps = Pick<
  GatewayDeps,
  'auth' | 'db' | 'bus' | 'flows' | 'topics' | 'logger' | 'dlqReaderGroup' | 'rights' | 'citizenKeys'
>;

function declaredSystem(req: Request, deps: DeadLettersDeps): string {
  const system = String(req.params['system'] ?? '');
  if (!deps.flows().systems.has(system)) throw new HttpProblem('not-found', `no system "${system}" is declared in the flows`);
  return system;
}

async function kafkaProblem<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RelaisError && error.code === 'KAFKA_UNAVAILABLE') throw new HttpProblem('kafka-unavailable', error.message);
    throw error;
  }
}

export function deadLettersRoutes(deps: DeadLettersDeps, jsonBody: RequestHandler[]): Router {
  const router = Router();
  const validateReplay = componentValidator<Replay>('DeadLetterReplay');
  const validateDiscard = componentValidator<Discard>('DeadLetterDiscard');
  const validateFix = componentValidator<Fix>('DeadLetterFix');
  const sources = (): DeadLetterSources => {
    if (!deps.bus) throw new HttpProblem('kafka-unavailable', 'this gateway has no Kafka connection');
    return { db: deps.db, bus: deps.bus, topics: deps.topics, groupPrefix: deps.dlqReaderGroup ?? 'relais-dlq-reader' };
  };

  router.get('/v1/systems/:system/dead-letters', requireScope(deps.auth, 'systems:read'), async (req, res) => {
    const system = declaredSystem(req, deps);
    const operation = 'GET /v1/systems/{system}/dead-letters';
    const grant = await authorizeRead(deps, req.caller!, 'dead-letters', { operation });
    const kind = req.query['kind'];
    if (kind !== undefined && kind !== 'delivery' && kind !== 'source')
      throw new HttpProblem('validation-failed', 'kind is delivery or source', [{ field: '/kind', message: 'must be delivery or source' }]);
    const list = await kafkaProblem(() => listDeadLetters(sources(), system, kind));
    // The list names citizens by pivot id: a read of personal data.
    await recordRead(deps, req.caller!, { operation, grant, count: list.deadLetters.length });
    res.json(list);
  });

  /** The rights of a triage action: read the dead letters, and triage them. */
  const mayTriage = async (req: Request, operation: string) => {
    await authorizeRead(deps, req.caller!, 'dead-letters', { operation });
    await authorizeDeclare(deps, req.caller!, 'dead-letter-triage', { operation });
  };

  router.post('/v1/systems/:system/dead-letters/replay', requireScope(deps.auth, 'dead-letters:write'), ...jsonBody, async (req, res) => {
    const system = declaredSystem(req, deps);
    await mayTriage(req, 'POST /v1/systems/{system}/dead-letters/replay');
    const body: unknown = req.body;
    if (!validateReplay(body)) throw new HttpProblem('validation-failed', 'give eventIds or all: true', toIssues(validateReplay.errors));
    const selection = 'all' in body ? { all: true, kind: body.kind } : { eventIds: body.eventIds, kind: body.kind };
    const result = await kafkaProblem(() => replayDeadLetters(sources(), system, selection, req.caller!.name));
    if (result.replayed.length > 0)
      deps.logger.info(
        { system, kind: body.kind ?? 'delivery', replayed: result.replayed.length, caller: req.caller!.name },
        'dead letters replayed',
      );
    res.json(result);
  });

  router.post('/v1/systems/:system/dead-letters/discard', requireScope(deps.auth, 'dead-letters:write'), ...jsonBody, async (req, res) => {
    const system = declaredSystem(req, deps);
    await mayTriage(req, 'POST /v1/systems/{system}/dead-letters/discard');
    const body: unknown = req.body;
    if (!validateDiscard(body)) throw new HttpProblem('validation-failed', 'give eventIds and a reason', toIssues(validateDiscard.errors));
    res.json(await kafkaProblem(() => discardDeadLetters(sources(), system, body, req.caller!.name)));
  });

  const eventIdOf = (req: Request): string => {
    const id = String(req.params['eventId'] ?? '').toLowerCase();
    if (!isUuid(id))
      throw new HttpProblem('invalid-parameter', 'the event id is a UUID', [{ field: '/eventId', message: 'must be a UUID' }]);
    return id;
  };

  router.get('/v1/systems/:system/dead-letters/:eventId', requireScope(deps.auth, 'systems:read'), async (req, res) => {
    const system = declaredSystem(req, deps);
    const eventId = eventIdOf(req);
    const operation = 'GET /v1/systems/{system}/dead-letters/{eventId}';
    const grant = await authorizeRead(deps, req.caller!, 'dead-letters', { operation });
    const inspected = await kafkaProblem(() => inspectDeadLetter(sources(), deps.citizenKeys, system, eventId));
    // The delivery's data is the citizen's personal data, as the system received it.
    await recordRead(deps, req.caller!, { operation, grant, changeId: eventId, pivotId: inspected.deadLetter.pivotId ?? undefined });
    res.json(inspected);
  });

  router.post(
    '/v1/systems/:system/dead-letters/:eventId/fix',
    requireScope(deps.auth, 'dead-letters:write'),
    ...jsonBody,
    async (req, res) => {
      const system = declaredSystem(req, deps);
      const eventId = eventIdOf(req);
      await mayTriage(req, 'POST /v1/systems/{system}/dead-letters/{eventId}/fix');
      const body: unknown = req.body;
      if (!validateFix(body)) throw new HttpProblem('validation-failed', 'give the corrected data', toIssues(validateFix.errors));
      const fixed = await kafkaProblem(() =>
        fixDeadLetter(sources(), deps.citizenKeys, { system, eventId, data: body.data }, req.caller!.name),
      );
      deps.logger.info({ system, eventId, fields: fixed.fields.length, caller: req.caller!.name }, 'dead letter fixed and replayed');
      res.json(fixed);
    },
  );
  return router;
}
