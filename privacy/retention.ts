/**
 * Retention (docs/privacy.md): personal data is kept per data class — the schemas'
 * personal-data labels — for the period the configuration gives (retention-settings.ts), counted
 * from the change's acceptance. `purgeExpired` removes from the store what is past its period:
 * the fields of `changes.data` of an expired class (what the timelines and service requests show
 * comes from there), the published outbox rows that still carry whole events, and the services'
 * comments on service requests. What the KPIs count — times, statuses, channels, systems, types,
 * the disclosure ledger — holds no personal data and stays. Each pass is audited and counted
 * (relais_retention_purged_total); a field already purged is not counted again.
 */
import { appendAudit } from '../core/audit/append.ts';
import type { Db, Queryable } from '../core/store/db.ts';
import { fieldLabels, isEventType } from '../schemas/index.ts';
import { ERASED_TEXT } from './erasure.ts';
import type { RetentionSettings } from './retention-settings.ts';

export const dataClasses = ['identity', 'contact', 'location', 'sensitive'] as const;
export type DataClass = (typeof dataClasses)[number];
export type RetentionDays = Pick<RetentionSettings, DataClass>;

export interface PurgeCounts {
  changes: Record<DataClass, number>;
  outbox: number;
  serviceRequestComments: number;
  /** Logged contacts (docs/adr/0028) whose agent's words expired: subject and note emptied. */
  interactionNotes: number;
}

/** Hooks for metrics (the gateway fills them from relais_retention_purged_total). */
export interface RetentionMetrics {
  purged?(dataClass: DataClass | 'all', store: 'changes' | 'outbox' | 'service-requests' | 'interactions', count: number): void;
}

const DAY_MS = 86_400_000;

/** The classes past their period for data accepted at `acceptedAt`. 0 days keeps a class forever. */
export function expiredClasses(days: RetentionDays, acceptedAt: Date, now: Date): Set<DataClass> {
  return new Set(dataClasses.filter((c) => days[c] > 0 && acceptedAt.getTime() + days[c] * DAY_MS <= now.getTime()));
}

/**
 * The data without the fields of an expired class, and how many of each were removed. A field
 * the schema does not label (or an unknown type) counts as sensitive: never kept by omission.
 */
export function withoutExpired(
  type: string,
  data: unknown,
  expired: Set<DataClass>,
): { data: unknown; removed: Record<DataClass, number> } {
  const removed: Record<DataClass, number> = { identity: 0, contact: 0, location: 0, sensitive: 0 };
  const labels = isEventType(type) ? fieldLabels(type) : new Map<string, string>();
  const walk = (value: unknown, prefix: string): unknown => {
    if (Array.isArray(value)) return value.map((item) => walk(item, prefix));
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      const path = prefix ? `${prefix}.${key}` : key;
      const label = labels.get(path) ?? 'sensitive';
      if (label !== 'none' && expired.has(label as DataClass)) removed[label as DataClass]++;
      else out[key] = walk(inner, path);
    }
    return out;
  };
  return { data: walk(data, ''), removed };
}

/** The oldest acceptance time whose data may still hold a class not yet expired: the scan's bound. */
function scanBefore(days: RetentionDays, now: Date): Date | undefined {
  const periods = dataClasses.map((c) => days[c]).filter((d) => d > 0);
  return periods.length === 0 ? undefined : new Date(now.getTime() - Math.min(...periods) * DAY_MS);
}

/** One batch of changes past the shortest period: their data stripped of what expired, in one statement. */
async function purgeChangeBatch(tx: Queryable, days: RetentionDays, now: Date, after: string, bound: Date) {
  const rows = await tx.query<{ id: string; type: string; data: unknown; accepted_at: Date }>(
    `SELECT id, type, data, accepted_at FROM changes WHERE accepted_at < $1 AND id > $2 ORDER BY id LIMIT 500`,
    [bound, after],
  );
  const counts: Record<DataClass, number> = { identity: 0, contact: 0, location: 0, sensitive: 0 };
  const updates: { id: string; data: unknown }[] = [];
  for (const row of rows.rows) {
    const { data, removed } = withoutExpired(row.type, row.data, expiredClasses(days, new Date(row.accepted_at), now));
    if (dataClasses.every((c) => removed[c] === 0)) continue;
    for (const c of dataClasses) counts[c] += removed[c];
    updates.push({ id: row.id, data });
  }
  if (updates.length > 0)
    await tx.query(`UPDATE changes c SET data = u.data FROM unnest($1::uuid[], $2::jsonb[]) AS u(id, data) WHERE c.id = u.id`, [
      updates.map((u) => u.id),
      updates.map((u) => JSON.stringify(u.data)),
    ]);
  return { counts, last: rows.rows.at(-1)?.id, purgedChanges: updates.length };
}

/**
 * Removes what is past its period, as of `now` (a parameter, so a test can move the clock).
 * Batches of 500 changes, each batch its own transaction; one audit entry for the pass.
 */
export async function purgeExpired(db: Db, days: RetentionDays, now: Date, metrics: RetentionMetrics = {}): Promise<PurgeCounts> {
  const counts: PurgeCounts = {
    changes: { identity: 0, contact: 0, location: 0, sensitive: 0 },
    outbox: 0,
    serviceRequestComments: 0,
    interactionNotes: 0,
  };
  const bound = scanBefore(days, now);
  if (!bound) return counts;
  let after = '00000000-0000-0000-0000-000000000000';
  let purgedChanges = 0;
  for (;;) {
    const batch = await db.transaction((tx) => purgeChangeBatch(tx, days, now, after, bound));
    for (const c of dataClasses) counts.changes[c] += batch.counts[c];
    purgedChanges += batch.purgedChanges;
    if (!batch.last) break;
    after = batch.last;
  }
  // A published outbox row carries the whole event: gone once the shortest period is over.
  const outbox = await db.query('DELETE FROM outbox WHERE sent_at IS NOT NULL AND created_at < $1', [bound]);
  counts.outbox = outbox.rowCount;
  if (days.sensitive > 0) {
    const comments = await db.query('UPDATE service_request_history SET comment = NULL WHERE comment IS NOT NULL AND at < $1', [
      new Date(now.getTime() - days.sensitive * DAY_MS),
    ]);
    // The agents' notes and answers on a request (docs/adr/0035) are the same class of text.
    const notes = await db.query('UPDATE service_request_actions SET note = NULL WHERE note IS NOT NULL AND at < $1', [
      new Date(now.getTime() - days.sensitive * DAY_MS),
    ]);
    counts.serviceRequestComments = comments.rowCount + notes.rowCount;
    // What an agent wrote about a contact: emptied as an erasure does; the contact's channel and
    // time stay for the KPIs.
    const contacts = await db.query(
      'UPDATE interactions SET subject = $2, note = NULL WHERE occurred_at < $1 AND (subject <> $2 OR note IS NOT NULL)',
      [new Date(now.getTime() - days.sensitive * DAY_MS), ERASED_TEXT],
    );
    counts.interactionNotes = contacts.rowCount;
  }
  for (const c of dataClasses) if (counts.changes[c] > 0) metrics.purged?.(c, 'changes', counts.changes[c]);
  if (counts.outbox > 0) metrics.purged?.('all', 'outbox', counts.outbox);
  if (counts.serviceRequestComments > 0) metrics.purged?.('sensitive', 'service-requests', counts.serviceRequestComments);
  if (counts.interactionNotes > 0) metrics.purged?.('sensitive', 'interactions', counts.interactionNotes);
  if (purgedChanges + counts.outbox + counts.serviceRequestComments + counts.interactionNotes > 0)
    await appendAudit(db, {
      actor: 'relais:retention',
      action: 'retention.purged',
      details: {
        asOf: now.toISOString(),
        days,
        changes: purgedChanges,
        fields: counts.changes,
        outbox: counts.outbox,
        comments: counts.serviceRequestComments,
        interactions: counts.interactionNotes,
      },
    });
  return counts;
}
