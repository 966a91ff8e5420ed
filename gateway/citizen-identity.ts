/**
 * Who a citizen's token is for (docs/adr/0037). FranceConnect in production, the quick start's
 * local provider in the demo, vouch for a person's civil identity — the "identity pivot" claims
 * `given_name`, `family_name` (birth name), `birthdate`, `birthplace` (INSEE commune code) and
 * `birthcountry` (INSEE country code, 99100 for France) — not for a Relais pivot id, which only
 * Relais knows. So the gateway matches those claims against the register with the identity
 * rules every change named by civil data gets (identity/matching.ts, docs/adr/0025):
 *   - exactly one person linked without a human → that person's pivot id (linked from the
 *     register's identifier when the crosswalk did not know it yet, like a change's civil data);
 *   - several plausible people, or nobody → no pivot id, and GET /v1/me says which: the citizen
 *     space shows a page saying so; nothing is guessed, no identity review is opened for a login;
 *   - the register cannot be asked → no pivot id this time (not remembered: the next call retries).
 * Only tokens of the `citizen` role are matched (an agent's token never stands for a citizen),
 * and only when the token carries no pivot id of its own (PIVOT_CLAIM wins). Each decision is
 * audited (`citizen.identity-matched`, with the outcome and score, never the civil data) and kept
 * per token until the token expires, so one login costs one register search.
 */
import { createHash } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { appendAudit } from '../core/audit/append.ts';
import { describeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { Queryable } from '../core/store/db.ts';
import type { CivilIdentity, IdentityResolver } from '../identity/civil-identity.ts';
import { currentPivot } from '../identity/crosswalk.ts';
import { resolveCitizen } from '../identity/identity-store.ts';
import { recordLinkMatch } from '../identity/match-record.ts';
import { DEFAULT_THRESHOLDS, matchCandidates, type MatchThresholds } from '../identity/matching.ts';
import { BoundedCache } from '../privacy/bounded-cache.ts';
import { bearerOf, type Caller, type CallerSource, type IdentityMatch } from './auth.ts';

/** The role whose tokens stand for a citizen (flows/rights.yaml `roles.citizen`). */
export const CITIZEN_ROLE = 'citizen';
/** INSEE's code of France among countries (FranceConnect's `birthcountry`). */
const FRANCE = '99100';

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value.trim() : undefined);

/**
 * The civil identity a citizen's token vouches for, or undefined when a claim is missing or
 * malformed (such a token is no citizen's: it gets no pivot id). Born abroad: the country's
 * INSEE code stands for the place (the register compares it as a country).
 */
export function civilClaimsOf(payload: JWTPayload): CivilIdentity | undefined {
  const givenNames = text(payload['given_name']);
  const birthName = text(payload['family_name']);
  const dateOfBirth = text(payload['birthdate']);
  const country = text(payload['birthcountry']) ?? FRANCE;
  const insee = text(payload['birthplace']);
  if (!givenNames || !birthName || !dateOfBirth || !/^\d{4}-\d{2}-\d{2}$/.test(dateOfBirth)) return undefined;
  if (country === FRANCE && !(insee && /^[0-9][0-9AB][0-9]{3}$/.test(insee))) return undefined;
  return {
    birthName,
    givenNames: givenNames.split(/\s+/),
    dateOfBirth,
    placeOfBirth: country === FRANCE ? { communeName: insee!, communeInsee: insee!, country: 'FR' } : { communeName: country, country },
  };
}

export interface CitizenMatchDeps {
  db: Queryable;
  identityResolver?: IdentityResolver | undefined;
  thresholds?: MatchThresholds | undefined;
  timeoutMs?: number | undefined;
  logger: Logger;
}

type Outcome = { pivotId: string; match: 'matched' } | { match: Exclude<IdentityMatch, 'matched'> };

async function matchCitizen(deps: CitizenMatchDeps, caller: Caller, civil: CivilIdentity): Promise<Outcome> {
  const resolver = deps.identityResolver;
  if (!resolver) return { match: 'register-unavailable' };
  let candidates;
  try {
    candidates = await resolver.search(civil, AbortSignal.timeout(deps.timeoutMs ?? 10_000));
  } catch (error) {
    deps.logger.warn({ register: resolver.system, error: describeError(error) }, 'civil register search failed (citizen login)');
    return { match: 'register-unavailable' };
  }
  const decision = matchCandidates(civil, candidates, deps.thresholds ?? DEFAULT_THRESHOLDS);
  let outcome: Outcome;
  let score: number | undefined;
  if (decision.kind === 'exact') {
    const registerId = decision.candidate.registerId;
    score = decision.candidate.score;
    const linked = await resolveCitizen(
      deps.db,
      { system: resolver.system, id: registerId },
      { method: 'civil-data-exact', by: caller.name },
    );
    await recordLinkMatch(deps.db, resolver.system, registerId, { score, criteria: decision.candidate.criteria });
    outcome = { pivotId: (await currentPivot(deps.db, linked!)) ?? linked!, match: 'matched' };
  } else outcome = { match: decision.kind === 'none' ? 'not-found' : 'ambiguous' };
  await appendAudit(deps.db, {
    actor: caller.name,
    action: 'citizen.identity-matched',
    pivotId: 'pivotId' in outcome ? outcome.pivotId : undefined,
    details: {
      outcome: outcome.match,
      ...(score !== undefined ? { score } : {}),
      ...(decision.kind === 'ambiguous' ? { candidates: decision.candidates.length } : {}),
    },
  });
  return outcome;
}

/**
 * The callers of `source`, a citizen's token given its pivot id (or how matching failed). The
 * outcome is kept per token (its hash) for `ttlMs` at most; an expired token fails `source` first.
 */
export function matchedCitizens(source: CallerSource, deps: CitizenMatchDeps, options: { ttlMs?: number } = {}): CallerSource {
  const outcomes = new BoundedCache<string, Outcome>(10_000, options.ttlMs ?? 600_000);
  return {
    async authenticate(header) {
      const caller = await source.authenticate(header);
      if (!caller?.civil || caller.pivotId || !caller.roles?.includes(CITIZEN_ROLE)) return caller;
      const key = createHash('sha256')
        .update(bearerOf(header) ?? '')
        .digest('hex');
      let outcome = outcomes.get(key);
      if (!outcome) {
        outcome = await matchCitizen(deps, caller, caller.civil);
        if (outcome.match !== 'register-unavailable') outcomes.set(key, outcome);
      }
      return 'pivotId' in outcome
        ? { ...caller, pivotId: outcome.pivotId, identityMatch: 'matched' }
        : { ...caller, identityMatch: outcome.match };
    },
  };
}
