/**
 * A citizen's contacts that are not changes (migration 120): a call, a letter, a visit. Written
 * and read only by the gateway's interactions routes, which audit each write and read; the
 * timeline shows a contact's channel and subject, never its note.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../core/store/db.ts';
import type { components } from './generated/api.ts';

type Interaction = components['schemas']['Interaction'];
type TimelineEntry = components['schemas']['TimelineEntry'];
type Channel = components['schemas']['Channel'];

export interface NewInteraction {
  pivotId: string;
  channel: Channel;
  subject: string;
  note?: string | undefined;
  occurredAt: string;
  agent: string;
  changeIds: string[];
  requestIds: string[];
}

interface Row {
  id: string;
  pivot_id: string;
  channel: Channel;
  subject: string;
  note: string | null;
  occurred_at: Date;
  agent: string;
  change_ids: string[];
  request_ids: string[];
  recorded_at: Date;
}

const fromRow = (row: Row, pivotId: string): Interaction => ({
  id: row.id,
  pivotId,
  channel: row.channel,
  subject: row.subject,
  ...(row.note === null ? {} : { note: row.note }),
  occurredAt: row.occurred_at.toISOString(),
  agent: row.agent,
  changeIds: row.change_ids,
  requestIds: row.request_ids,
  recordedAt: row.recorded_at.toISOString(),
});

export async function insertInteraction(db: Queryable, interaction: NewInteraction): Promise<Interaction> {
  const inserted = await db.query<Row>(
    `INSERT INTO interactions (id, pivot_id, channel, subject, note, occurred_at, agent, change_ids, request_ids)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::uuid[], $9::uuid[]) RETURNING *`,
    [
      randomUUID(),
      interaction.pivotId,
      interaction.channel,
      interaction.subject,
      interaction.note ?? null,
      interaction.occurredAt,
      interaction.agent,
      interaction.changeIds,
      interaction.requestIds,
    ],
  );
  return fromRow(inserted.rows[0]!, interaction.pivotId);
}

/** Every contact logged under these pivot ids (a citizen and those merged into it), newest first. */
export async function interactionsOf(db: Queryable, pivots: string[], citizen: string): Promise<Interaction[]> {
  const found = await db.query<Row>('SELECT * FROM interactions WHERE pivot_id = ANY($1::uuid[]) ORDER BY occurred_at DESC LIMIT 500', [
    pivots,
  ]);
  return found.rows.map((row) => fromRow(row, citizen));
}

/** The contacts as timeline entries: channel and subject, not the note. */
export async function interactionTimeline(db: Queryable, pivotId: string): Promise<TimelineEntry[]> {
  return (await interactionsOf(db, [pivotId], pivotId)).map((i) => ({
    at: i.occurredAt,
    kind: 'interaction',
    changeId: i.id,
    type: 'interaction',
    channel: i.channel,
    subject: i.subject,
  }));
}

/**
 * The ids among `ids` that are not changes (or, with `requests`, service requests) about one of
 * these pivot ids: linking a contact to another citizen's change would leak it into this file.
 */
export async function foreignIds(db: Queryable, ids: string[], pivots: string[], requests: boolean): Promise<string[]> {
  if (ids.length === 0) return [];
  const table = requests ? 'service_requests' : 'changes';
  const found = await db.query<{ id: string }>(`SELECT id FROM ${table} WHERE id = ANY($1::uuid[]) AND pivot_id = ANY($2::uuid[])`, [
    ids,
    pivots,
  ]);
  const ours = new Set(found.rows.map((r) => r.id));
  return ids.filter((id) => !ours.has(id.toLowerCase()));
}
