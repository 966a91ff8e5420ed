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
 * Names also fold ligatures (Œ → OE, Æ → AE) and read "St"/"Ste" as "Saint"/"Sainte".
 * The decision, with its explanation and score per candidate, is identity/matching.ts.
 */
import type { Place } from '../schemas/index.ts';

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
  /**
   * Whether the register holds this act: under this reference, of this event, naming this person,
   * on this date (the rights file's `act-confirmed-by-register`, for a death told at a desk); false
   * when it has no such act or the act says otherwise. A register without the operation
   * leaves it out: nothing can then be confirmed, and such changes are refused. Throws as search().
   */
  confirmAct?(act: RegisteredAct, signal: AbortSignal): Promise<boolean>;
}

/** A life event as a desk tells it, to be confirmed by the register. */
export interface RegisteredAct {
  /** The event type (a death: fr.relais.citizen.death.registered.v1). */
  type: string;
  /** The register's identifier of the person. */
  registerId: string;
  actReference: string;
  /** When the event happened (YYYY-MM-DD). */
  date: string;
}

/** Letters NFD does not decompose, written out as registers do ("ŒUVRAY" is filed as "OEUVRAY"). */
const LIGATURES: Readonly<Record<string, string>> = { œ: 'oe', æ: 'ae', ß: 'ss', ĳ: 'ij' };
/** Abbreviations registers and citizens both use, in their long form ("St-Étienne" = "Saint-Étienne"). */
const ABBREVIATIONS: Readonly<Record<string, string>> = { st: 'saint', ste: 'sainte', sts: 'saints', stes: 'saintes' };

/**
 * Accents, case, ligatures, hyphens, apostrophes and spacing removed, "St"/"Ste" written out:
 * "Dupont-d'Arcy" → "dupont d arcy", "LEFÈVRE-ŒUVRAY" → "lefevre oeuvray", "St-Genis" → "saint genis".
 */
export function normaliseName(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[œæßĳ]/g, (letter) => LIGATURES[letter] ?? letter)
    .replace(/[-'’ʼ‘`´.ʹʻ′＇‐‑–]/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => ABBREVIATIONS[word] ?? word)
    .join(' ');
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

/**
 * Civil data as a silo holds them (a connector's file lister, packages/connector-kit/src/contract.ts),
 * in the import file's terms; a field the silo does not hold is left out. Given names in order;
 * dates as YYYY-MM-DD; the birth country as ISO 3166 alpha-2.
 */
export interface SiloCivilData {
  birthName?: string;
  givenNames?: string[];
  dateOfBirth?: string;
  birthPlace?: string;
  birthPlaceInsee?: string;
  birthCountry?: string;
}
