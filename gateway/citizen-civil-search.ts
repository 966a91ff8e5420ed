/**
 * Finding a citizen at a desk by civil data (GET /v1/citizens?birthName=…&givenNames=…&dateOfBirth=…
 * [&placeOfBirth=<INSEE code>]): the register is asked for candidates, and Relais judges them with
 * the identity rules of changes named by civil data (identity/matching.ts, docs/adr/0025). Every
 * candidate that reaches the review threshold is plausible; a search only finds, it never links,
 * so the link threshold does not apply: one plausible candidate is the citizen, several are a
 * list with what matched. Only candidates Relais knows (linked to a pivot id by their register
 * identifier) are returned: a person the register has but no system of ours does is no one here.
 */
import { describeError, RelaisError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { Queryable } from '../core/store/db.ts';
import type { CivilIdentity, IdentityResolver } from '../identity/civil-identity.ts';
import { currentPivot } from '../identity/crosswalk.ts';
import { DEFAULT_THRESHOLDS, matchCandidates, type MatchThresholds } from '../identity/matching.ts';
import type { components } from './generated/api.ts';
import { HttpProblem } from './problems.ts';

export type FoundCitizen = components['schemas']['CitizenSearch']['citizens'][number];

export interface CivilSearchDeps {
  db: Queryable;
  identityResolver?: IdentityResolver | undefined;
  identityTimeoutMs?: number | undefined;
  identityThresholds?: MatchThresholds | undefined;
  logger: Logger;
}

/** The civil data of a search's query, or undefined when it names none; a 400 naming the missing parameter. */
export function civilQuery(query: Record<string, unknown>): CivilIdentity | undefined {
  const { birthName, givenNames, dateOfBirth, placeOfBirth } = query;
  if (birthName === undefined && givenNames === undefined && dateOfBirth === undefined) return undefined;
  const text = (v: unknown) => typeof v === 'string' && /^[\p{L}\p{M}' -]{1,100}$/u.test(v.trim());
  const problems = [
    ...(text(birthName) ? [] : [{ field: '/birthName', message: 'required: letters, spaces, hyphens, apostrophes' }]),
    ...(text(givenNames) ? [] : [{ field: '/givenNames', message: 'required: letters, spaces, hyphens, apostrophes' }]),
    ...(typeof dateOfBirth === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(dateOfBirth)
      ? []
      : [{ field: '/dateOfBirth', message: 'required: YYYY-MM-DD' }]),
    ...(placeOfBirth === undefined || (typeof placeOfBirth === 'string' && /^(\d[\dAB]\d{3})$/.test(placeOfBirth))
      ? []
      : [{ field: '/placeOfBirth', message: 'an INSEE commune code' }]),
  ];
  if (problems.length > 0) throw new HttpProblem('invalid-parameter', 'give birthName, givenNames and dateOfBirth', problems);
  return {
    birthName: String(birthName).trim(),
    givenNames: String(givenNames).trim().split(/\s+/),
    dateOfBirth: String(dateOfBirth),
    // No birth place given: the register needs one to search, so a commune name that matches no
    // one; its criterion is then left out of what matched (the score is out of 85).
    placeOfBirth:
      typeof placeOfBirth === 'string'
        ? { communeName: placeOfBirth, communeInsee: placeOfBirth, country: 'FR' }
        : { communeName: 'inconnue', country: 'FR' },
  };
}

export async function searchByCivilData(deps: CivilSearchDeps, civil: CivilIdentity, withPlace: boolean): Promise<FoundCitizen[]> {
  const resolver = deps.identityResolver;
  if (!resolver) throw new HttpProblem('register-unavailable', 'no civil register is connected: search by pivot id or identifier');
  let candidates;
  try {
    candidates = await resolver.search(civil, AbortSignal.timeout(deps.identityTimeoutMs ?? 10_000));
  } catch (error) {
    if (error instanceof RelaisError && error.code === 'SILO_REFUSED')
      throw new HttpProblem('invalid-parameter', 'the civil register refused these civil data', [
        { field: '/birthName', message: 'refused by the register' },
      ]);
    deps.logger.warn({ register: resolver.system, error: describeError(error) }, 'civil register search failed (desk search)');
    throw new HttpProblem('register-unavailable', 'the civil register could not be asked');
  }
  const decision = matchCandidates(civil, candidates, { ...(deps.identityThresholds ?? DEFAULT_THRESHOLDS), link: 0 });
  const plausible = decision.kind === 'none' ? [] : decision.kind === 'exact' ? [decision.candidate] : decision.candidates;
  const found: FoundCitizen[] = [];
  for (const candidate of plausible) {
    const linked = await deps.db.query<{ pivot_id: string }>(
      'SELECT pivot_id FROM citizen_identifiers WHERE system = $1 AND local_id = $2',
      [resolver.system, candidate.registerId],
    );
    const pivot = linked.rows[0]?.pivot_id;
    const current = pivot ? await currentPivot(deps.db, pivot) : undefined;
    if (!current || found.some((f) => f.pivotId === current)) continue;
    found.push({
      pivotId: current,
      matched: candidate.matched.filter((c) => withPlace || c !== 'placeOfBirth'),
      score: candidate.score,
    });
  }
  return found;
}
