/**
 * Told once it is done (docs/privacy.md): once every system concerned by a change the citizen
 * told has settled it, the citizen is owed one notice with each outcome. The receipts consumer
 * calls `noticeSettled` in the transaction that moves the statuses, so the last settling receipt
 * and the notice commit together: a receipt delivered again finds the notice claimed
 * (settled_notices) and adds nothing. The notice is a canonical event,
 * fr.relais.change.settled.v1, put in the outbox; the flows route it (flows/email.yaml) and the
 * email connector writes it in the citizen's language. Its id is derived from the change's, so
 * even a notice published twice is one email (the sink's ledger).
 */
import { createHash } from 'node:crypto';
import { encodeCanonical } from '../core/envelopes.ts';
import type { CitizenKeys } from './citizen-keys.ts';
import { sealChange } from './sealed-messages.ts';
import { insertOutbox } from '../core/store/change-record.ts';
import type { Queryable } from '../core/store/db.ts';
import { CHANGE_SETTLED_V1, DEATH_REGISTERED_V1, schemaIdOf, type EventData } from '../schemas/index.ts';

type SettledData = EventData<typeof CHANGE_SETTLED_V1>;
type Outcome = SettledData['outcomes'][number];

/** The notice's id: a UUID (version 8, name-based) derived from the change's. */
export function noticeIdOf(changeId: string): string {
  const hex = createHash('sha256').update(`relais:settled:${changeId}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

interface SettledRow {
  id: string;
  pivot_id: string;
  type: string;
  language: 'fr' | 'en' | null;
  settled_at: Date;
  outcomes: Outcome[];
}

/**
 * Notices for the changes among `changeIds` that are now settled in every concerned system and
 * not noticed yet: claimed, then put in the outbox. Only changes a citizen told about themself
 * (fr.relais.citizen.*, a death aside: its notice goes to the family contact, by its own route).
 */
export async function noticeSettled(tx: Queryable, changeIds: string[], topic: string, keys?: CitizenKeys): Promise<number> {
  if (changeIds.length === 0) return 0;
  const settled = await tx.query<SettledRow>(
    `SELECT c.id, c.pivot_id, c.type, z.language, max(r.settled_at) AS settled_at,
            jsonb_agg(jsonb_strip_nulls(jsonb_build_object('system', r.system, 'status', r.status, 'reason', r.reason)) ORDER BY r.system) AS outcomes
       FROM changes c
       JOIN citizens z ON z.pivot_id = c.pivot_id
       JOIN change_recipients r ON r.change_id = c.id
      WHERE c.id = ANY($1::uuid[]) AND c.type LIKE 'fr.relais.citizen.%' AND c.type <> $2
        AND NOT EXISTS (SELECT 1 FROM settled_notices n WHERE n.change_id = c.id)
      GROUP BY c.id, c.pivot_id, c.type, z.language
     HAVING bool_and(r.status NOT IN ('pending', 'delivered', 'unknown'))`,
    [[...new Set(changeIds)], DEATH_REGISTERED_V1],
  );
  if (settled.rows.length === 0) return 0;
  const claimed = await tx.query<{ change_id: string }>(
    `INSERT INTO settled_notices (change_id, notice_id) SELECT * FROM unnest($1::uuid[], $2::uuid[])
     ON CONFLICT (change_id) DO NOTHING RETURNING change_id`,
    [settled.rows.map((r) => r.id), settled.rows.map((r) => noticeIdOf(r.id))],
  );
  const mine = new Set(claimed.rows.map((r) => r.change_id));
  for (const row of settled.rows.filter((r) => mine.has(r.id))) {
    const data: SettledData = {
      changeId: row.id,
      changeType: row.type,
      language: row.language ?? 'fr',
      settledAt: new Date(row.settled_at).toISOString(),
      outcomes: row.outcomes,
    };
    const time = new Date().toISOString();
    const event = { id: noticeIdOf(row.id), type: CHANGE_SETTLED_V1, source: '/relais/gateway', pivotId: row.pivot_id, time, data };
    const encoded = encodeCanonical({ ...event, dataschema: schemaIdOf(CHANGE_SETTLED_V1) }, topic);
    // About the citizen, so sealed with their key like the change itself (docs/adr/0032).
    const sealed = await sealChange(keys, tx, { id: event.id, pivotId: row.pivot_id, type: CHANGE_SETTLED_V1, data }, encoded);
    await insertOutbox(tx, sealed.event);
  }
  return mine.size;
}

/** Records the language a citizen asked to be written to in (a contact change's `language`). */
export async function recordLanguage(tx: Queryable, pivotId: string, language: 'fr' | 'en'): Promise<void> {
  await tx.query('UPDATE citizens SET language = $2 WHERE pivot_id = $1', [pivotId, language]);
}
