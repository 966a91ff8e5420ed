/**
 * The gateway's durable side: a change, its recipients' status, its audit entry and its outbox
 * row are written in ONE transaction, so an accepted change is never lost and never published
 * without being stored. Receipts move a recipient's status forward only (see applyReceipts).
 */
import { insertChange } from '../core/changes/change-record.ts';
import { encodeCanonical, type Receipt } from '../core/envelopes.ts';
import { resolveCitizen, type CitizenReference } from '../core/identity/identity-store.ts';
import { newEventId } from '../core/ids.ts';
import { isUniqueViolation, type Db, type Queryable } from '../core/store/db.ts';
import type { EventData, EventType } from '../schemas/index.ts';
import type { components } from './generated/api.ts';

type Change = components['schemas']['Change'];
type Recipient = components['schemas']['Recipient'];
type RecipientStatus = components['schemas']['RecipientStatus'];
type ChangeStatus = components['schemas']['ChangeStatus'];
type Channel = components['schemas']['Channel'];
type TimelineEntry = components['schemas']['TimelineEntry'];

export interface NewChange {
  type: EventType;
  citizen: CitizenReference;
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

const rank: Record<RecipientStatus, number> = { pending: 0, delivered: 1, applied: 2, rejected: 2, dead_lettered: 2 };

/** The overall status, derived from the recipients' (never stored, so it cannot drift). */
export function overallStatus(recipients: Pick<Recipient, 'status'>[]): ChangeStatus {
  if (recipients.length === 0) return 'no_recipients';
  if (recipients.some((r) => rank[r.status] < 2)) return 'in_progress';
  return recipients.every((r) => r.status === 'applied') ? 'completed' : 'completed_with_errors';
}

interface ChangeRow {
  id: string;
  type: string;
  pivot_id: string;
  channel: Channel | null;
  origin_system: string | null;
  accepted_at: Date;
  request_hash: string;
}

interface RecipientRow {
  change_id: string;
  system: string;
  status: RecipientStatus;
  reason: string | null;
  status_at: Date;
}

/** The channel the citizen used and/or the system the change came from, when known. */
function channelOrOrigin(row: Pick<ChangeRow, 'channel' | 'origin_system'>): { channel?: Channel; origin?: string } {
  return { ...(row.channel ? { channel: row.channel } : {}), ...(row.origin_system ? { origin: row.origin_system } : {}) };
}

function toChange(row: ChangeRow, recipients: RecipientRow[]): Change {
  const list: Recipient[] = recipients.map((r) => ({
    system: r.system,
    status: r.status,
    ...(r.reason ? { reason: r.reason } : {}),
    updatedAt: new Date(r.status_at).toISOString(),
  }));
  return {
    id: row.id,
    type: row.type,
    pivotId: row.pivot_id,
    ...channelOrOrigin(row),
    acceptedAt: new Date(row.accepted_at).toISOString(),
    status: overallStatus(list),
    recipients: list,
  };
}

async function readChange(db: Queryable, id: string): Promise<(Change & { requestHash: string }) | undefined> {
  const changes = await db.query<ChangeRow>('SELECT id, type, pivot_id, channel, origin_system, accepted_at, request_hash FROM changes WHERE id = $1', [id]);
  const row = changes.rows[0];
  if (!row) return undefined;
  const recipients = await db.query<RecipientRow>(
    'SELECT change_id, system, status, reason, status_at FROM change_recipients WHERE change_id = $1 ORDER BY system COLLATE "C"',
    [id],
  );
  return { ...toChange(row, recipients.rows), requestHash: row.request_hash };
}

export async function getChange(db: Queryable, id: string): Promise<Change | undefined> {
  const found = await readChange(db, id);
  if (!found) return undefined;
  const { requestHash: _hash, ...change } = found;
  return change;
}

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

export async function acceptChange(db: Db, input: NewChange): Promise<AcceptOutcome> {
  try {
    return await db.transaction(async (tx) => {
      if (input.idempotencyKey) {
        const existing = await findByIdempotencyKey(tx, input.caller, input.idempotencyKey);
        if (existing) return replayOrConflict(tx, input, existing);
      }
      const pivotId = await resolveCitizen(tx, input.citizen);
      if (!pivotId) return { outcome: 'unknown-citizen' } as const;
      // One citizen's changes are accepted one after the other: the second waits for the first
      // to commit, so its outbox row gets a higher id AND becomes visible later, and the relay
      // (which publishes in id order) cannot send them out of order.
      await tx.query('SELECT 1 FROM citizens WHERE pivot_id = $1 FOR UPDATE', [pivotId]);

      const id = input.id ?? newEventId();
      const acceptedAt = new Date();
      await insertChange(tx, {
        id, type: input.type, pivotId, channel: input.channel, caller: input.caller, originSystem: input.originSystem, recipients: input.recipients,
        data: input.data, traceparent: input.traceparent, idempotencyKey: input.idempotencyKey, requestHash: input.requestHash, acceptedAt,
        plannedSystems: input.plannedSystems,
      });
      const message = encodeCanonical(
        {
          id,
          type: input.type,
          source: '/relais/gateway',
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
      await tx.query('INSERT INTO outbox (topic, message_key, headers, payload) VALUES ($1, $2, $3, $4)', [
        message.topic, message.key, JSON.stringify(message.headers), message.value.toString('utf8'),
      ]);
      await input.within?.(tx, { id, pivotId, acceptedAt });
      // The answer is what was just written: no need to read it back.
      const change = toChange(
        { id, type: input.type, pivot_id: pivotId, channel: input.channel, origin_system: input.originSystem ?? null, accepted_at: acceptedAt, request_hash: input.requestHash },
        [...input.plannedSystems].sort().map((system) => ({ change_id: id, system, status: 'pending', reason: null, status_at: acceptedAt })),
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

/**
 * Applies receipts. A status only moves forward (pending → delivered → a settled status),
 * because receipts from the router and from the connector travel independently; between two
 * settled statuses (a dead letter replayed and then applied) the later decision wins.
 * Receipts for events the gateway did not accept (from source connectors) are ignored here.
 */
export async function applyReceipts(db: Db, receipts: Receipt[]): Promise<void> {
  if (receipts.length === 0) return;
  const rankSql = (column: string) =>
    `CASE ${column} WHEN 'pending' THEN 0 WHEN 'delivered' THEN 1 ELSE 2 END`;
  await db.transaction(async (tx) => {
    for (const receipt of receipts) {
      await tx.query(
        `INSERT INTO change_recipients (change_id, system, status, reason, status_at, updated_at)
         SELECT $1, $2, $3, $4, $5, now() WHERE EXISTS (SELECT 1 FROM changes WHERE id = $1)
         ON CONFLICT (change_id, system) DO UPDATE
           SET status = EXCLUDED.status, reason = EXCLUDED.reason, status_at = EXCLUDED.status_at, updated_at = now()
           WHERE ${rankSql('change_recipients.status')} < ${rankSql('EXCLUDED.status')}
              OR (${rankSql('change_recipients.status')} = 2 AND ${rankSql('EXCLUDED.status')} = 2
                  AND change_recipients.status_at < EXCLUDED.status_at)`,
        [receipt.eventId, receipt.system, receipt.status, receipt.reason ?? null, receipt.at],
      );
    }
  });
}

/** Every change about a citizen and every outcome in every system, newest first. */
export async function timeline(db: Queryable, pivotId: string): Promise<TimelineEntry[] | undefined> {
  const citizen = await db.query('SELECT 1 FROM citizens WHERE pivot_id = $1', [pivotId]);
  if (citizen.rows.length === 0) return undefined;
  const changes = await db.query<ChangeRow>(
    'SELECT id, type, pivot_id, channel, origin_system, accepted_at, request_hash FROM changes WHERE pivot_id = $1 ORDER BY accepted_at DESC LIMIT 500',
    [pivotId],
  );
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
