/**
 * Naming a citizen by civil data (birth name, given names, birth date, birth place) instead of
 * an identifier, and deciding who that is from the authoritative register's candidates.
 *
 * The gateway never imports a connector: it is handed an IdentityResolver (a connector's
 * capability, ConnectorDefinition.createIdentityResolver, wired by the process entry points).
 * The register returns candidates by its own, possibly loose, search; Relais decides with its own
 * normalisation, the same whatever register sits behind the resolver:
 *   - birth names: accents, case, hyphens, apostrophes and spacing do not matter ("Dupont-d'Arcy"
 *     = "DUPONT D ARCY" = "dupontdarcy");
 *   - given names: the citizen may give only their first given name(s), in order, written with
 *     or without hyphens ("Jean Pierre" = "Jean-Pierre" as first given name of "Jean-Pierre
 *     Marie"), but "Jean" is not "Jean-Pierre";
 *   - birth place: the INSEE code when both sides have it, else the commune's name, and the country.
 * Decision: no candidate matching birth name, given names and birth date → none; exactly one
 * such candidate, whose birth place matches too → exact; anything else (homonyms, or one
 * candidate whose birth place differs) → ambiguous: a person decides.
 */
import type { Place } from '../../schemas/index.ts';

export interface CivilIdentity {
  birthName: string;
  /** In order; a compound given name keeps its hyphen ("Jean-Pierre"). */
  givenNames: string[];
  dateOfBirth: string;
  placeOfBirth: Place;
}

export type Criterion = 'birthName' | 'givenNames' | 'dateOfBirth' | 'placeOfBirth';

export interface RegisterCandidate {
  /** The register's identifier of the person. */
  registerId: string;
  identity: CivilIdentity;
  /** What the register itself said concorded (informative; Relais decides with its own rules). */
  registerMatched: string[];
}

export interface IdentityResolver {
  /** The system whose identifiers the candidates carry (the register, as named in the flows). */
  readonly system: string;
  /**
   * The time limit of one search at the register, when the resolver has one: the gateway gives a
   * resolution twice as long before it answers 503 (10 s when unset).
   */
  readonly timeoutMs?: number;
  /** The register's candidates for this identity. Throws RelaisError (SILO_* or XML_UNSAFE). */
  search(identity: CivilIdentity, signal: AbortSignal): Promise<RegisterCandidate[]>;
}

export interface ScoredCandidate {
  registerId: string;
  matched: Criterion[];
}

export type MatchDecision =
  { kind: 'none' } | { kind: 'exact'; registerId: string; matched: Criterion[] } | { kind: 'ambiguous'; candidates: ScoredCandidate[] };

/** Accents, case, hyphens, apostrophes and spacing removed: "Dupont-d'Arcy" → "dupont d arcy". */
export function normaliseName(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[-'’ʼ‘`´.]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The words of the given names, and after which word each given name ends. */
function givenNameWords(names: string[]): { words: string[]; ends: Set<number> } {
  const words: string[] = [];
  const ends = new Set<number>();
  for (const name of names) {
    words.push(...normaliseName(name).split(' ').filter(Boolean));
    ends.add(words.length);
  }
  return { words, ends };
}

/** The citizen's given names are the register's first ones, in order, ending on a name boundary. */
export function givenNamesMatch(given: string[], registered: string[]): boolean {
  const asked = givenNameWords(given).words;
  const { words, ends } = givenNameWords(registered);
  if (asked.length === 0 || asked.length > words.length) return false;
  return asked.every((word, i) => word === words[i]) && ends.has(asked.length);
}

export function placesMatch(a: Place, b: Place): boolean {
  if (a.country !== b.country) return false;
  if (a.communeInsee && b.communeInsee) return a.communeInsee === b.communeInsee;
  return normaliseName(a.communeName) === normaliseName(b.communeName);
}

/** A birth name reduced to its letters: separators are written inconsistently ("L'Hôpital", "LHOPITAL"). */
export function compactName(value: string): string {
  return normaliseName(value).replace(/ /g, '');
}

export function score(asked: CivilIdentity, candidate: CivilIdentity): Criterion[] {
  const matched: Criterion[] = [];
  if (compactName(asked.birthName) === compactName(candidate.birthName)) matched.push('birthName');
  if (givenNamesMatch(asked.givenNames, candidate.givenNames)) matched.push('givenNames');
  if (asked.dateOfBirth === candidate.dateOfBirth) matched.push('dateOfBirth');
  if (placesMatch(asked.placeOfBirth, candidate.placeOfBirth)) matched.push('placeOfBirth');
  return matched;
}

export function decide(asked: CivilIdentity, candidates: RegisterCandidate[]): MatchDecision {
  const plausible = candidates
    .map((c) => ({ registerId: c.registerId, matched: score(asked, c.identity) }))
    .filter((c) => c.matched.includes('birthName') && c.matched.includes('givenNames') && c.matched.includes('dateOfBirth'));
  const unique = [...new Map(plausible.map((c) => [c.registerId, c])).values()];
  if (unique.length === 0) return { kind: 'none' };
  const [only] = unique;
  if (unique.length === 1 && only!.matched.includes('placeOfBirth'))
    return { kind: 'exact', registerId: only!.registerId, matched: only!.matched };
  return { kind: 'ambiguous', candidates: unique };
}
