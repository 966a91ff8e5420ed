/**
 * The gateway's durable side: a change, its recipients' status, its audit entry and its outbox
 * row are written in ONE transaction, so an accepted change is never lost and never published
 * without being stored. A change held for an identity review is stored with its review and no
 * outbox row (identity-reviews-store.ts releases it). Receipts move a recipient's status forward
 * only (see applyReceipts). The read side is in changes-view.ts.
 */
import { insertChange } from '../core/store/change-record.ts';
import type { Receipt } from '../core/envelopes.ts';
import { resolveCitizen, type CitizenReference, type LinkProvenance } from '../core/identity/identity-store.ts';
import { newEventId, type PivotId } from '../core/ids.ts';
import { isUniqueViolation, type Db, type Queryable } from '../core/store/db.ts';
import type { EventData, EventType } from '../schemas/index.ts';
import { getChange, toChange } from './changes-view.ts';
import type { components } from './generated/api.ts';
import { insertReview, type HeldIdentity } from './identity-reviews-store.ts';
import { enqueueEvent } from './outbox.ts';

type Change = components['schemas']['Change'];
type Channel = components['schemas']['Channel'];

export interface NewChange {
  type: EventType;
  /** Who it is about, or the identity review it waits for (civil data matching several people). */
  citizen: CitizenReference | { held: HeldIdentity };
  /** How a link made by resolving the citizen was established (default: first sighting by the caller). */
  linkProvenance?: LinkProvenance | undefined;
  channel: Channel;
  /** Valid against the type's schema (the caller checked it). */
  data: EventData;
  recipients?: string[] | undefined;
  /** The credential's name: who told Relais. */
  caller: string;
  /** The system the caller speaks for, if any: it will not receive the change back. */
  originSystem?: string | undefined;
  idempotencyKey?: string | undefined;
  requestHash: string;
  traceparent: string;
  dataschema: string;
  /** Systems the flows route this change to (computed before storing). */
  plannedSystems: string[];
  eventsTopic: string;
  /** The change's id when the caller needs it beforehand (a service request's data carries it). */
  id?: string | undefined;
  /** More writes in the change's transaction (a service request's own rows). */
  within?: ((tx: Queryable, accepted: { id: string; pivotId: string; acceptedAt: Date }) => Promise<void>) | undefined;
}

export type AcceptOutcome =
  | { outcome: 'created' | 'replayed'; change: Change }
  | { outcome: 'idempotency-conflict'; changeId: string }
  | { outcome: 'unknown-citizen' };

async function findByIdempotencyKey(db: Queryable, caller: string, key: string): Promise<{ id: string; request_hash: string } | undefined> {
  const result = await db.query<{ id: string; request_hash: string }>(
    'SELECT id, request_hash FROM changes WHERE caller = $1 AND idempotency_key = $2',
    [caller, key],
  );
  return result.rows[0];
}

async function replayOrConflict(db: Queryable, input: NewChange, existing: { id: string; request_hash: string }): Promise<AcceptOutcome> {
  if (existing.request_hash !== input.requestHash) return { outcome: 'idempotency-conflict', changeId: existing.id };
  const change = await getChange(db, existing.id);
  return change ? { outcome: 'replayed', change } : { outcome: 'idempotency-conflict', changeId: existing.id };
}

function record(input: NewChange, id: string, pivotId: PivotId | null, acceptedAt: Date): Parameters<typeof insertChange>[1] {
  return {
    id,
    type: input.type,
    pivotId,
    channel: input.channel,
    caller: input.caller,
    originSystem: input.originSystem,
    recipients: input.recipients,
    data: input.data,
    traceparent: input.traceparent,
    idempotencyKey: input.idempotencyKey,
    requestHash: input.requestHash,
    acceptedAt,
    plannedSystems: pivotId === null ? [] : input.plannedSystems,
    ...(pivotId === null ? { review: 'held' as const } : {}),
  };
}

function rowOf(input: NewChange, id: string, pivotId: string | null, acceptedAt: Date) {
  return {
    id,
    type: input.type,
    pivot_id: pivotId,
    channel: input.channel,
    origin_system: input.originSystem ?? null,
    accepted_at: acceptedAt,
    request_hash: input.requestHash,
  };
}

/** Stores a change held for review: no citizen, no recipients, nothing in the outbox. */
async function acceptHeld(tx: Queryable, input: NewChange, held: HeldIdentity, id: string, acceptedAt: Date): Promise<Change> {
  await insertChange(tx, record(input, id, null, acceptedAt));
  const reviewId = await insertReview(tx, id, held);
  return toChange({ ...rowOf(input, id, null, acceptedAt), review: 'held', review_id: reviewId, review_status: 'pending' }, []);
}

/**
 * Resolves who the change is about and locks that citizen's row until the commit. A pivot id
 * (the usual case) is checked and locked in one round trip.
 */
async function lockCitizen(tx: Queryable, input: NewChange, reference: CitizenReference): Promise<PivotId | undefined> {
  const pivotId =
    'pivotId' in reference
      ? (reference.pivotId.toLowerCase() as PivotId)
      : await resolveCitizen(tx, reference, input.linkProvenance ?? { method: 'first-sighting', by: input.caller });
  if (!pivotId) return undefined;
  const locked = await tx.query('SELECT 1 FROM citizens WHERE pivot_id = $1 FOR UPDATE', [pivotId]);
  return locked.rows.length > 0 ? pivotId : undefined;
}

export async function acceptChange(db: Db, input: NewChange): Promise<AcceptOutcome> {
  try {
    return await db.transaction(async (tx) => {
      if (input.idempotencyKey) {
        const existing = await findByIdempotencyKey(tx, input.caller, input.idempotencyKey);
        if (existing) return replayOrConflict(tx, input, existing);
      }
      // A held change has no citizen yet: `within` (writes keyed by the pivot id) does not run for it.
      if ('held' in input.citizen)
        return {
          outcome: 'created',
          change: await acceptHeld(tx, input, input.citizen.held, input.id ?? newEventId(), new Date()),
        } as const;
      // One citizen's changes are accepted one after the other: the second waits for the first
      // to commit, so its outbox row gets a higher id AND becomes visible later, and the relay
      // (which publishes in id order) cannot send them out of order.
      const pivotId = await lockCitizen(tx, input, input.citizen);
      if (!pivotId) return { outcome: 'unknown-citizen' } as const;
      const id = input.id ?? newEventId();
      const acceptedAt = new Date();
      await insertChange(tx, record(input, id, pivotId, acceptedAt));
      await enqueueEvent(
        tx,
        {
          id,
          type: input.type,
          pivotId,
          time: acceptedAt.toISOString(),
          data: input.data,
          dataschema: input.dataschema,
          traceparent: input.traceparent,
          channel: input.channel,
          origin: input.originSystem,
          recipients: input.recipients,
        },
        input.eventsTopic,
      );
      await input.within?.(tx, { id, pivotId, acceptedAt });
      // The answer is what was just written: no need to read it back.
      const change = toChange(
        { ...rowOf(input, id, pivotId, acceptedAt), review: null, review_id: null, review_status: null },
        [...input.plannedSystems]
          .sort()
          .map((system) => ({ change_id: id, system, status: 'pending', reason: null, status_at: acceptedAt })),
      );
      return { outcome: 'created', change } as const;
    });
  } catch (error) {
    // Two requests with the same key raced: the loser reads what the winner stored.
    if (input.idempotencyKey && isUniqueViolation(error)) {
      const existing = await findByIdempotencyKey(db, input.caller, input.idempotencyKey);
      if (existing) return replayOrConflict(db, input, existing);
    }
    throw error;
  }
}

/** A system's first `applied` receipt for a change the gateway accepted, and how long it took. */
export interface FirstApplied {
  system: string;
  seconds: number;
}

/**
 * Applies receipts. A status only moves forward (pending → delivered → a settled status),
 * because receipts from the router and from the connector travel independently; between two
 * settled statuses (a dead letter replayed and then applied) the later decision wins.
 * Changes from source connectors are stored too (docs/adr/0006), so their receipts apply alike;
 * a receipt for a change the store does not have is ignored.
 * The first time of each step (delivered, settled, applied) is kept whatever the order.
 * Returns the receipts that were a system's first `applied` for its change (for the metrics).
 */
export async function applyReceipts(db: Db, receipts: Receipt[]): Promise<FirstApplied[]> {
  if (receipts.length === 0) return [];
  const rankSql = (column: string) => `CASE ${column} WHEN 'pending' THEN 0 WHEN 'delivered' THEN 1 ELSE 2 END`;
  const advance = `(${rankSql('change_recipients.status')} < ${rankSql('EXCLUDED.status')}
    OR (${rankSql('change_recipients.status')} = 2 AND ${rankSql('EXCLUDED.status')} = 2 AND change_recipients.status_at < EXCLUDED.status_at))`;
  const firstApplied: FirstApplied[] = [];
  await db.transaction(async (tx) => {
    for (const receipt of receipts) {
      const result = await tx.query<{ first_applied: boolean; seconds: number | null }>(
        `INSERT INTO change_recipients (change_id, system, status, reason, status_at, updated_at, delivered_at, settled_at, applied_at)
         SELECT $1, $2, $3, $4, $5, now(),
                CASE WHEN $3 = 'delivered' THEN $5::timestamptz END,
                CASE WHEN $3 IN ('applied', 'rejected', 'dead_lettered') THEN $5::timestamptz END,
                CASE WHEN $3 = 'applied' THEN $5::timestamptz END
         WHERE EXISTS (SELECT 1 FROM changes WHERE id = $1)
         ON CONFLICT (change_id, system) DO UPDATE SET
           status = CASE WHEN ${advance} THEN EXCLUDED.status ELSE change_recipients.status END,
           reason = CASE WHEN ${advance} THEN EXCLUDED.reason ELSE change_recipients.reason END,
           status_at = CASE WHEN ${advance} THEN EXCLUDED.status_at ELSE change_recipients.status_at END,
           updated_at = CASE WHEN ${advance} THEN now() ELSE change_recipients.updated_at END,
           delivered_at = COALESCE(change_recipients.delivered_at, EXCLUDED.delivered_at),
           settled_at = COALESCE(change_recipients.settled_at, EXCLUDED.settled_at),
           applied_at = COALESCE(change_recipients.applied_at, EXCLUDED.applied_at)
         RETURNING ($3 = 'applied' AND applied_at = $5::timestamptz) AS first_applied,
                   extract(epoch FROM applied_at - (SELECT accepted_at FROM changes WHERE id = $1))::float8 AS seconds`,
        [receipt.eventId, receipt.system, receipt.status, receipt.reason ?? null, receipt.at],
      );
      const row = result.rows[0];
      if (row?.first_applied && row.seconds !== null) firstApplied.push({ system: receipt.system, seconds: Math.max(0, row.seconds) });
    }
  });
  return firstApplied;
}
