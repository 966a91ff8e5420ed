/**
 * Deciding who civil data designate among the register's candidates, with the reasons: each
 * candidate gets an explanation (for each criterion, whether and how it matched) and a score, and
 * two thresholds, configuration (RELAIS_IDENTITY_LINK_SCORE, RELAIS_IDENTITY_REVIEW_SCORE;
 * docs/adr/0025), decide what happens:
 *   - a candidate is plausible when its score reaches the review threshold;
 *   - exactly one plausible candidate whose score reaches the link threshold → exact (linked);
 *   - any other plausible candidate(s) → ambiguous (a person decides);
 *   - none plausible → none.
 * A criterion's weight is what it says about identity: birth name 35, given names 25, birth date
 * 25, birth place 15 (100 in all). The defaults (link 100, review 85) are the rule Relais always
 * had: birth name, given names and birth date must match to be plausible, and the birth place too
 * to be linked without a person.
 */
import {
  compactName,
  givenNamesMatch,
  normaliseName,
  placesMatch,
  type CivilIdentity,
  type Criterion,
  type RegisterCandidate,
} from './civil-identity.ts';
import { RelaisError } from '../core/errors.ts';

/**
 * How a criterion compared: `identical` as written; `folded` once accents, case, ligatures,
 * apostrophes, hyphens and "St"/"Saint" are set aside; `compact` only without separators
 * ("L'HÔPITAL" = "LHOPITAL"); `first-given-names` the citizen gave the register's first given
 * names only; `insee-code` / `commune-name` what the birth places were compared on; `different`.
 */
export type MatchHow = 'identical' | 'folded' | 'compact' | 'first-given-names' | 'insee-code' | 'commune-name' | 'different';

export interface CriterionMatch {
  criterion: Criterion;
  matched: boolean;
  how: MatchHow;
  /** The criterion's weight, counted in the score when it matched. */
  weight: number;
}

export interface MatchExplanation {
  /** 0–100: the sum of the weights of the criteria that matched. */
  score: number;
  /** The criteria that matched, in the order of `criteria`. */
  matched: Criterion[];
  criteria: CriterionMatch[];
}

export interface ExplainedCandidate extends MatchExplanation {
  registerId: string;
}

export type MatchDecision =
  { kind: 'none' } | { kind: 'exact'; candidate: ExplainedCandidate } | { kind: 'ambiguous'; candidates: ExplainedCandidate[] };

export interface MatchThresholds {
  /** Score from which the only plausible candidate is linked without a person (default 100). */
  link: number;
  /** Score from which a candidate is plausible: held for review when not linked (default 85). */
  review: number;
}

export const DEFAULT_THRESHOLDS: Readonly<MatchThresholds> = { link: 100, review: 85 };

export const WEIGHTS: Readonly<Record<Criterion, number>> = { birthName: 35, givenNames: 25, dateOfBirth: 25, placeOfBirth: 15 };

/** Thresholds as configured; CONFIG_INVALID when review is above link (nothing could be held). */
export function matchThresholds(link: number, review: number): MatchThresholds {
  if (review > link) {
    throw new RelaisError(
      'CONFIG_INVALID',
      `RELAIS_IDENTITY_REVIEW_SCORE (${review}) must not exceed RELAIS_IDENTITY_LINK_SCORE (${link})`,
    );
  }
  return { link, review };
}

function birthNameHow(asked: string, registered: string): MatchHow {
  if (asked.trim() === registered.trim()) return 'identical';
  if (normaliseName(asked) === normaliseName(registered)) return 'folded';
  return compactName(asked) === compactName(registered) ? 'compact' : 'different';
}

function givenNamesHow(asked: string[], registered: string[]): MatchHow {
  if (asked.join(' ').trim() === registered.join(' ').trim()) return 'identical';
  if (!givenNamesMatch(asked, registered)) return 'different';
  const whole = normaliseName(asked.join(' ')) === normaliseName(registered.join(' '));
  return whole ? 'folded' : 'first-given-names';
}

function placeHow(asked: CivilIdentity['placeOfBirth'], registered: CivilIdentity['placeOfBirth']): MatchHow {
  if (!placesMatch(asked, registered)) return 'different';
  return asked.communeInsee && registered.communeInsee ? 'insee-code' : 'commune-name';
}

/** Which criteria the candidate matches, how, and the resulting score. */
export function explainMatch(asked: CivilIdentity, candidate: CivilIdentity): MatchExplanation {
  const hows: [Criterion, MatchHow][] = [
    ['birthName', birthNameHow(asked.birthName, candidate.birthName)],
    ['givenNames', givenNamesHow(asked.givenNames, candidate.givenNames)],
    ['dateOfBirth', asked.dateOfBirth === candidate.dateOfBirth ? 'identical' : 'different'],
    ['placeOfBirth', placeHow(asked.placeOfBirth, candidate.placeOfBirth)],
  ];
  const criteria = hows.map(([criterion, how]) => ({ criterion, matched: how !== 'different', how, weight: WEIGHTS[criterion] }));
  const matched = criteria.filter((c) => c.matched).map((c) => c.criterion);
  return { score: criteria.reduce((sum, c) => sum + (c.matched ? c.weight : 0), 0), matched, criteria };
}

/** The decision over the register's candidates (the same register id twice is one person). */
export function matchCandidates(
  asked: CivilIdentity,
  candidates: readonly RegisterCandidate[],
  thresholds: MatchThresholds = DEFAULT_THRESHOLDS,
): MatchDecision {
  const plausible = new Map<string, ExplainedCandidate>();
  for (const c of candidates) {
    const explained = { registerId: c.registerId, ...explainMatch(asked, c.identity) };
    if (explained.score < thresholds.review) continue;
    const seen = plausible.get(c.registerId);
    if (!seen || seen.score < explained.score) plausible.set(c.registerId, explained);
  }
  const unique = [...plausible.values()];
  const [only] = unique;
  if (!only) return { kind: 'none' };
  if (unique.length === 1 && only.score >= thresholds.link) return { kind: 'exact', candidate: only };
  return { kind: 'ambiguous', candidates: unique };
}
