/**
 * The read side of changes: a change with its per-system status and its overall status (derived,
 * never stored), and a citizen's timeline. Changes told through a channel, changes from a silo's
 * source connector and changes held for an identity review all read the same way.
 */
import type { Queryable } from '../../core/store/db.ts';
import type { components } from '../generated/api.ts';

type Change = components['schemas']['Change'];
type Recipient = components['schemas']['Recipient'];
type RecipientStatus = components['schemas']['RecipientStatus'];
type ChangeStatus = components['schemas']['ChangeStatus'];
type Channel = components['schemas']['Channel'];
type TimelineEntry = components['schemas']['TimelineEntry'];
type ReviewStatus = components['schemas']['IdentityReviewStatus'];
type NotConcerned = components['schemas']['NotConcerned'];

const rank: Record<RecipientStatus, number> = {
  pending: 0,
  delivered: 1,
  unknown: 1,
  applied: 2,
  rejected: 2,
  superseded: 2,
  dead_lettered: 2,
  objected: 2,
};

/** The overall status, derived from the recipients' and the identity review's (never stored). */
function overallStatus(recipients: Pick<Recipient, 'status'>[], review?: ChangeRow['review']): ChangeStatus {
  if (review === 'held') return 'held_for_review';
  if (review === 'rejected') return 'review_rejected';
  if (recipients.length === 0) return 'no_recipients';
  if (recipients.some((r) => rank[r.status] < 2)) return 'in_progress';
  // Superseded: the system holds a newer change of the same kind, which is what the citizen wants;
  // objected: the citizen asked that this system be sent nothing.
  const fine = new Set(['applied', 'superseded', 'objected']);
  return recipients.every((r) => fine.has(r.status)) ? 'completed' : 'completed_with_errors';
}

export interface ChangeRow {
  id: string;
  type: string;
  pivot_id: string | null;
  channel: Channel | null;
  origin_system: string | null;
  accepted_at: Date;
  review: 'held' | 'matched' | 'rejected' | null;
  review_id: string | null;
  review_status: ReviewStatus | null;
  /** The systems the flows route the change to that hold no file on the citizen (docs/adr/0026). */
  not_concerned?: NotConcerned[] | null;
}

export interface RecipientRow {
  change_id: string;
  system: string;
  status: RecipientStatus;
  reason: string | null;
  status_at: Date;
}

const CHANGE_COLUMNS = `c.id, c.type, c.pivot_id, c.channel, c.origin_system, c.accepted_at, c.review, c.not_concerned,
  r.id AS review_id, r.status AS review_status
  FROM changes c LEFT JOIN identity_reviews r ON r.change_id = c.id`;

/** The channel the citizen used and/or the system the change came from, when known. */
function channelOrOrigin(row: Pick<ChangeRow, 'channel' | 'origin_system'>): { channel?: Channel; origin?: string } {
  return { ...(row.channel ? { channel: row.channel } : {}), ...(row.origin_system ? { origin: row.origin_system } : {}) };
}

export function toChange(row: ChangeRow, recipients: RecipientRow[]): Change {
  const list: Recipient[] = recipients.map((r) => ({
    system: r.system,
    status: r.status,
    ...(r.reason ? { reason: r.reason } : {}),
    updatedAt: new Date(r.status_at).toISOString(),
  }));
  return {
    id: row.id,
    type: row.type,
    ...(row.pivot_id ? { pivotId: row.pivot_id } : {}),
    ...channelOrOrigin(row),
    acceptedAt: new Date(row.accepted_at).toISOString(),
    status: overallStatus(list, row.review),
    recipients: list,
    ...(row.not_concerned?.length ? { notConcerned: row.not_concerned } : {}),
    ...(row.review_id && row.review_status ? { identityReview: { id: row.review_id, status: row.review_status } } : {}),
  };
}

export async function getChange(db: Queryable, id: string): Promise<Change | undefined> {
  const changes = await db.query<ChangeRow>(`SELECT ${CHANGE_COLUMNS} WHERE c.id = $1`, [id]);
  const row = changes.rows[0];
  if (!row) return undefined;
  const recipients = await db.query<RecipientRow>(
    'SELECT change_id, system, status, reason, status_at FROM change_recipients WHERE change_id = $1 ORDER BY system COLLATE "C"',
    [id],
  );
  return toChange(row, recipients.rows);
}

/** Every change about a citizen and every outcome in every system, newest first. */
export async function timeline(db: Queryable, pivotId: string): Promise<TimelineEntry[] | undefined> {
  const citizen = await db.query('SELECT 1 FROM citizens WHERE pivot_id = $1', [pivotId]);
  if (citizen.rows.length === 0) return undefined;
  const changes = await db.query<ChangeRow>(`SELECT ${CHANGE_COLUMNS} WHERE c.pivot_id = $1 ORDER BY c.accepted_at DESC LIMIT 500`, [
    pivotId,
  ]);
  const ids = changes.rows.map((c) => c.id);
  const recipients = ids.length
    ? await db.query<RecipientRow>(
        `SELECT change_id, system, status, reason, status_at FROM change_recipients
         WHERE change_id = ANY($1::uuid[]) AND status <> 'pending'`,
        [ids],
      )
    : { rows: [] as RecipientRow[] };
  const byId = new Map(changes.rows.map((c) => [c.id, c]));
  const entries: TimelineEntry[] = changes.rows.map((c) => ({
    at: new Date(c.accepted_at).toISOString(),
    kind: 'change_accepted',
    changeId: c.id,
    type: c.type,
    ...channelOrOrigin(c),
  }));
  for (const r of recipients.rows) {
    const change = byId.get(r.change_id);
    if (!change) continue;
    entries.push({
      at: new Date(r.status_at).toISOString(),
      kind: 'system_outcome',
      changeId: r.change_id,
      type: change.type,
      ...channelOrOrigin(change),
      system: r.system,
      status: r.status,
      ...(r.reason ? { reason: r.reason } : {}),
    });
  }
  return entries.sort((a, b) => b.at.localeCompare(a.at));
}
