/**
 * Managing the crosswalk by decision: link a system's identifier to a citizen, unlink it, merge
 * two pivot ids, and re-drive the changes a system could not receive for want of an identifier
 * (docs/identities.md, docs/adr/0025). Each decision is one transaction with its audit entry.
 *
 * Nothing already recorded is rewritten. Changes, timeline entries, deliveries, receipts and audit
 * entries keep the pivot id they were recorded under: published events and signed receipts carry
 * it, and the audit chain hashes it. A merge instead records `citizens.merged_into`, which every
 * read and every later change follows (lockForChange, identifiersFor, the timeline).
 */
import { appendAudit } from '../core/audit/append.ts';
import type { Queryable } from '../core/store/db.ts';
import type { LinkMethod } from './identity-store.ts';

/** Why a crosswalk decision cannot be taken: what the gateway answers (404, 409) naming the field. */
export type CrosswalkRefusal =
  | { refusal: 'citizen-unknown'; field: string }
  | { refusal: 'identifier-unknown'; field: string }
  | { refusal: 'identifier-linked-elsewhere'; field: string; pivotId: string }
  | { refusal: 'system-already-linked'; field: string; system: string }
  | { refusal: 'same-citizen'; field: string };

export interface Decider {
  /** Who decides: a credential's or agent's name, an operator (CLI). */
  actor: string;
  /** The reason given (kept in the audit entry; no personal data). */
  reason?: string | undefined;
}

export interface RedriveResult {
  pivotId: string;
  /** Per change, the systems it is sent to again. */
  redriven: { changeId: string; systems: string[] }[];
}

/** The pivot id that stands for `pivotId` now: itself, or the one it was merged into; undefined when unknown. */
export async function currentPivot(db: Queryable, pivotId: string): Promise<string | undefined> {
  const found = await db.query<{ pivot_id: string; merged_into: string | null }>(
    'SELECT pivot_id, merged_into FROM citizens WHERE pivot_id = $1',
    [pivotId.toLowerCase()],
  );
  const row = found.rows[0];
  return row ? (row.merged_into ?? row.pivot_id) : undefined;
}

/** The citizen and every pivot id merged into it: the ids their history is recorded under. */
export async function pivotsOf(db: Queryable, pivotId: string): Promise<string[]> {
  const found = await db.query<{ pivot_id: string }>('SELECT pivot_id FROM citizens WHERE merged_into = $1 ORDER BY created_at', [pivotId]);
  return [pivotId, ...found.rows.map((r) => r.pivot_id)];
}

async function holderOf(tx: Queryable, system: string, localId: string): Promise<string | undefined> {
  const found = await tx.query<{ pivot_id: string }>('SELECT pivot_id FROM citizen_identifiers WHERE system = $1 AND local_id = $2', [
    system,
    localId,
  ]);
  return found.rows[0]?.pivot_id;
}

/**
 * Links `system`'s `localId` to the citizen (method `declared`, or the one given). Idempotent: the
 * same link again changes nothing and is not audited again.
 */
export async function linkCitizen(
  tx: Queryable,
  input: { pivotId: string; system: string; localId: string; method?: LinkMethod },
  decider: Decider,
): Promise<{ pivotId: string; created: boolean } | CrosswalkRefusal> {
  const pivotId = await currentPivot(tx, input.pivotId);
  if (!pivotId) return { refusal: 'citizen-unknown', field: '/pivotId' };
  await tx.query('SELECT 1 FROM citizens WHERE pivot_id = $1 FOR UPDATE', [pivotId]);
  const holder = await holderOf(tx, input.system, input.localId);
  if (holder === pivotId) return { pivotId, created: false };
  if (holder) return { refusal: 'identifier-linked-elsewhere', field: '/id', pivotId: holder };
  const other = await tx.query('SELECT 1 FROM citizen_identifiers WHERE pivot_id = $1 AND system = $2', [pivotId, input.system]);
  if (other.rows.length > 0) return { refusal: 'system-already-linked', field: '/system', system: input.system };
  const method = input.method ?? 'declared';
  await tx.query('INSERT INTO citizen_identifiers (system, local_id, pivot_id, link_method, linked_by) VALUES ($1, $2, $3, $4, $5)', [
    input.system,
    input.localId,
    pivotId,
    method,
    decider.actor,
  ]);
  await appendAudit(tx, {
    actor: decider.actor,
    action: 'identity.linked',
    pivotId,
    details: { system: input.system, localId: input.localId, method, ...(decider.reason ? { reason: decider.reason } : {}) },
  });
  return { pivotId, created: true };
}

/** Removes `system`'s `localId` from the crosswalk; the citizen's history stays theirs. */
export async function unlinkCitizen(
  tx: Queryable,
  input: { system: string; localId: string },
  decider: Decider,
): Promise<{ pivotId: string } | CrosswalkRefusal> {
  const removed = await tx.query<{ pivot_id: string; link_method: string; linked_by: string | null }>(
    'DELETE FROM citizen_identifiers WHERE system = $1 AND local_id = $2 RETURNING pivot_id, link_method, linked_by',
    [input.system, input.localId],
  );
  const row = removed.rows[0];
  if (!row) return { refusal: 'identifier-unknown', field: '/id' };
  await appendAudit(tx, {
    actor: decider.actor,
    action: 'identity.unlinked',
    pivotId: row.pivot_id,
    details: {
      system: input.system,
      localId: input.localId,
      wasLinkedBy: { method: row.link_method, by: row.linked_by },
      ...(decider.reason ? { reason: decider.reason } : {}),
    },
  });
  return { pivotId: row.pivot_id };
}

/**
 * Merges citizen `from` into citizen `into` (they were found to be one person): `from`'s
 * identifiers move to `into`, and `from` (with every pivot id merged into it before) now stands
 * for `into`. Refused when both hold an identifier in the same system: unlink the wrong one first.
 */
export async function mergeCitizens(
  tx: Queryable,
  input: { from: string; into: string },
  decider: Decider,
): Promise<{ pivotId: string; merged: string; movedSystems: string[] } | CrosswalkRefusal> {
  const from = await currentPivot(tx, input.from);
  if (!from) return { refusal: 'citizen-unknown', field: '/from' };
  const into = await currentPivot(tx, input.into);
  if (!into) return { refusal: 'citizen-unknown', field: '/into' };
  if (from === into) return { refusal: 'same-citizen', field: '/from' };
  // Both rows locked in a fixed order: no change of either is accepted meanwhile.
  await tx.query('SELECT 1 FROM citizens WHERE pivot_id = ANY($1::uuid[]) ORDER BY pivot_id FOR UPDATE', [[from, into]]);
  const clash = await tx.query<{ system: string }>(
    `SELECT a.system FROM citizen_identifiers a JOIN citizen_identifiers b ON a.system = b.system
     WHERE a.pivot_id = $1 AND b.pivot_id = $2 ORDER BY a.system LIMIT 1`,
    [from, into],
  );
  if (clash.rows[0]) return { refusal: 'system-already-linked', field: '/from', system: clash.rows[0].system };
  const moved = await tx.query<{ system: string }>('UPDATE citizen_identifiers SET pivot_id = $2 WHERE pivot_id = $1 RETURNING system', [
    from,
    into,
  ]);
  await tx.query('UPDATE citizens SET merged_into = $2 WHERE pivot_id = $1 OR merged_into = $1', [from, into]);
  // The family contact follows the person, unless the citizen kept already has one of their own.
  await tx.query(
    `UPDATE family_contacts SET pivot_id = $2 WHERE pivot_id = $1 AND NOT EXISTS (SELECT 1 FROM family_contacts WHERE pivot_id = $2)`,
    [from, into],
  );
  const movedSystems = moved.rows.map((r) => r.system).sort();
  await appendAudit(tx, {
    actor: decider.actor,
    action: 'identity.merged',
    pivotId: into,
    details: { merged: from, into, movedSystems, ...(decider.reason ? { reason: decider.reason } : {}) },
  });
  return { pivotId: into, merged: from, movedSystems };
}

/**
 * Sends again, to the systems that now know the citizen, the changes they could not receive for
 * want of an identifier (`rejected`, IDENTITY_UNKNOWN, or left out as not concerned: no file): per change, its canonical event goes back
 * through the outbox with the systems to route it to (header relais_redrive_systems, read by the
 * router), and their status is `pending` again. `systems` limits it; the citizen's merged pivot
 * ids are included. Nothing to re-drive is an empty result, not an error.
 */
export async function redriveUnknown(
  tx: Queryable,
  input: { pivotId: string; systems?: string[] | undefined },
  decider: Decider,
): Promise<RedriveResult | CrosswalkRefusal> {
  const pivotId = await currentPivot(tx, input.pivotId);
  if (!pivotId) return { refusal: 'citizen-unknown', field: '/pivotId' };
  const pivots = await pivotsOf(tx, pivotId);
  // Two kinds of system that could not receive a change and now can: a recipient that rejected it
  // (IDENTITY_UNKNOWN), and one left out as not concerned (no file: docs/adr/0026) that the
  // crosswalk now links to the citizen.
  const found = await tx.query<{ change_id: string; systems: string[]; newly_concerned: string[] }>(
    `WITH candidates AS (
       SELECT r.change_id, r.system, false AS newly_concerned
         FROM change_recipients r JOIN changes c ON c.id = r.change_id
        WHERE c.pivot_id = ANY($1::uuid[]) AND r.status = 'rejected' AND r.reason LIKE 'IDENTITY_UNKNOWN%'
       UNION ALL
       SELECT c.id, n.entry->>'system', true
         FROM changes c CROSS JOIN LATERAL jsonb_array_elements(COALESCE(c.not_concerned, '[]'::jsonb)) AS n(entry)
        WHERE c.pivot_id = ANY($1::uuid[]) AND n.entry->>'reason' = 'no-file'
     )
     SELECT k.change_id, array_agg(k.system ORDER BY k.system) AS systems,
            array_remove(array_agg(CASE WHEN k.newly_concerned THEN k.system END ORDER BY k.system), NULL) AS newly_concerned
       FROM candidates k
       JOIN changes c ON c.id = k.change_id
       JOIN citizen_identifiers i ON i.pivot_id = $2 AND i.system = k.system
      WHERE ($3::text[] IS NULL OR k.system = ANY($3::text[]))
      GROUP BY k.change_id, c.accepted_at
      ORDER BY c.accepted_at`,
    [pivots, pivotId, input.systems ?? null],
  );
  const redriven: RedriveResult['redriven'] = [];
  for (const { change_id: changeId, systems, newly_concerned: newlyConcerned } of found.rows) {
    const copied = await tx.query(
      `INSERT INTO outbox (topic, message_key, headers, payload)
       SELECT topic, message_key, headers || jsonb_build_object('relais_redrive_systems', $2::text), payload
         FROM outbox WHERE headers->>'ce_id' = $1 AND NOT headers ? 'relais_redrive_systems'
        ORDER BY id LIMIT 1
       RETURNING id`,
      [changeId, systems.join(',')],
    );
    // A change whose event is no longer in the outbox (purged) cannot be sent again from here.
    if (copied.rows.length === 0) continue;
    if (newlyConcerned.length > 0) {
      // Recipients now: a pending status each, and no longer listed as not concerned.
      await tx.query(
        `INSERT INTO change_recipients (change_id, system, status, status_at)
         SELECT $1, system, 'pending', now() FROM unnest($2::text[]) AS system ON CONFLICT DO NOTHING`,
        [changeId, newlyConcerned],
      );
      await tx.query(
        `UPDATE changes SET not_concerned = NULLIF(
           (SELECT COALESCE(jsonb_agg(n), '[]'::jsonb) FROM jsonb_array_elements(not_concerned) AS n WHERE NOT (n->>'system' = ANY($2::text[]))),
           '[]'::jsonb)
          WHERE id = $1`,
        [changeId, newlyConcerned],
      );
    }
    await tx.query(
      `UPDATE change_recipients SET status = 'pending', reason = NULL, status_at = now(), updated_at = now()
        WHERE change_id = $1 AND system = ANY($2::text[])`,
      [changeId, systems],
    );
    await appendAudit(tx, {
      actor: decider.actor,
      action: 'identity.redriven',
      changeId,
      pivotId,
      details: { systems, ...(decider.reason ? { reason: decider.reason } : {}) },
    });
    redriven.push({ changeId, systems });
  }
  return { pivotId, redriven };
}

export function isRefusal<T extends object>(result: T | CrosswalkRefusal): result is CrosswalkRefusal {
  return 'refusal' in result;
}
