/**
 * A change naming its citizen by civil data: the register (through the injected IdentityResolver,
 * never a connector import) returns candidates, identity/civil-identity.ts decides:
 *   exact   → the register's identifier, linked to a pivot id (`civil-data-exact`, by the caller),
 *             with the match's score and explanation (identity/match-record.ts);
 *   none    → 422 validation-failed on /citizen/civil;
 *   several → the change is held for review with the plausible candidates (insertReview;
 *             identity-reviews-store.ts lists and decides reviews).
 * Nothing is stored when the register cannot be asked (503 register-unavailable, retry later).
 * Civil data never reach the logs.
 */
import { randomUUID } from 'node:crypto';
import { describeError, RelaisError } from '../../core/errors.ts';
import type { CivilIdentity, Criterion, IdentityResolver } from '../../identity/civil-identity.ts';
import { matchCandidates, type CriterionMatch, type MatchThresholds } from '../../identity/matching.ts';
import type { CitizenReference, LinkProvenance } from '../../identity/identity-store.ts';
import type { LinkMatch } from '../../identity/match-record.ts';
import type { Logger } from '../../core/logger.ts';
import type { Queryable } from '../../core/store/db.ts';
import { HttpProblem } from '../problems.ts';

export interface ReviewCandidate {
  registerId: string;
  matched: Criterion[];
  /** 0–100, and how each criterion compared (identity/matching.ts). */
  score: number;
  criteria: CriterionMatch[];
  identity: CivilIdentity;
}

/** Civil data that matched several people: what an agent's identity review decides between. */
export interface HeldIdentity {
  registerSystem: string;
  civil: CivilIdentity;
  candidates: ReviewCandidate[];
}

/** Who a change is about once the register answered: a reference to link, or a review to hold it for. */
export type ResolvedCitizen =
  { reference: CitizenReference; provenance?: LinkProvenance | undefined; match?: LinkMatch | undefined } | { held: HeldIdentity };

export async function resolveCivil(
  resolver: IdentityResolver | undefined,
  civil: CivilIdentity,
  caller: string,
  options: { timeoutMs: number; logger: Logger; thresholds?: MatchThresholds | undefined },
): Promise<ResolvedCitizen> {
  if (!resolver) {
    throw new HttpProblem('validation-failed', 'no civil register is connected to resolve citizens by civil data', [
      { field: '/citizen/civil', message: 'name the citizen by pivotId or by a system identifier' },
    ]);
  }
  let candidates;
  try {
    candidates = await resolver.search(civil, AbortSignal.timeout(options.timeoutMs));
  } catch (error) {
    if (error instanceof RelaisError && error.code === 'SILO_REFUSED') {
      throw new HttpProblem('validation-failed', 'the civil register refused these civil data', [
        { field: '/citizen/civil', message: 'refused by the register' },
      ]);
    }
    options.logger.warn({ register: resolver.system, error: describeError(error) }, 'civil register search failed');
    throw new HttpProblem('register-unavailable', 'the civil register could not be asked; nothing was stored');
  }
  const decision = matchCandidates(civil, candidates, options.thresholds);
  switch (decision.kind) {
    case 'none':
      throw new HttpProblem('validation-failed', 'no person in the civil register matches these civil data', [
        { field: '/citizen/civil', message: 'no match in the register' },
      ]);
    case 'exact':
      return {
        reference: { system: resolver.system, id: decision.candidate.registerId },
        provenance: { method: 'civil-data-exact', by: caller },
        match: { score: decision.candidate.score, criteria: decision.candidate.criteria },
      };
    case 'ambiguous': {
      const identities = new Map(candidates.map((c) => [c.registerId, c.identity]));
      return {
        held: {
          registerSystem: resolver.system,
          civil,
          candidates: decision.candidates.map((c) => ({
            registerId: c.registerId,
            matched: c.matched,
            score: c.score,
            criteria: c.criteria,
            identity: identities.get(c.registerId)!,
          })),
        },
      };
    }
  }
}

/** Stores the review of a held change (in the change's transaction); returns its id. */
export async function insertReview(tx: Queryable, changeId: string, held: HeldIdentity): Promise<string> {
  const id = randomUUID();
  await tx.query('INSERT INTO identity_reviews (id, change_id, register_system, civil, candidates) VALUES ($1, $2, $3, $4, $5)', [
    id,
    changeId,
    held.registerSystem,
    JSON.stringify(held.civil),
    JSON.stringify(held.candidates),
  ]);
  return id;
}
