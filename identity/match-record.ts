/**
 * The explanation kept with a crosswalk link made from civil data (citizen_identifiers'
 * match_score and match_explanation): the score and, per criterion, whether and how it matched.
 * It names criteria and comparison kinds only, never the civil data compared.
 */
import type { Queryable } from '../core/store/db.ts';
import type { CriterionMatch } from './matching.ts';

export interface LinkMatch {
  score: number;
  criteria: CriterionMatch[];
}

/**
 * Records the match that made (or confirmed) the link of `system`'s `localId`; the first one
 * recorded stays (a later change matching the same person again does not rewrite why it was linked).
 */
export async function recordLinkMatch(db: Queryable, system: string, localId: string, match: LinkMatch): Promise<void> {
  await db.query(
    `UPDATE citizen_identifiers SET match_score = $3, match_explanation = $4
     WHERE system = $1 AND local_id = $2 AND match_score IS NULL`,
    [system, localId, match.score, JSON.stringify(match.criteria)],
  );
}

/** The match recorded with a link, if it was made from civil data. */
export async function linkMatchOf(db: Queryable, system: string, localId: string): Promise<LinkMatch | undefined> {
  const result = await db.query<{ match_score: number | null; match_explanation: CriterionMatch[] | null }>(
    'SELECT match_score, match_explanation FROM citizen_identifiers WHERE system = $1 AND local_id = $2',
    [system, localId],
  );
  const row = result.rows[0];
  return row && row.match_score !== null && row.match_explanation ? { score: row.match_score, criteria: row.match_explanation } : undefined;
}
