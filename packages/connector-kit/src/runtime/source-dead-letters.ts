/**
 * Source dead letters: a record a source read but could not publish (its mapping failed, or the
 * event breaks its schema) goes to <prefix>.dlq.source.<system>, so that nothing blocks the
 * source and nothing is lost silently.
 *
 * The message (docs/contracts.md, "Source dead letters"; built and read in source-dead-letter-message.ts):
 *   key     the event id the record would have had: sourceEventId(system, recordKey);
 *   value   JSON SourceDeadLetter — the raw record as the connector read it (personal data: the
 *           topic is as sensitive as the silo), the cause, the system, the checkpoint of the
 *           poll that read it, the time;
 *   headers ce_id (that event id), ce_type (when known), relais_kind `source`, and the
 *           relais_error_* / relais_attempts / relais_failed_at headers of every dead letter.
 * They are published with the round's events, before its checkpoint is saved: a crash before
 * the save polls the record again and dead-letters it again under the same key (the listing
 * keeps the latest of each id).
 *
 * Re-drive (requested through the gateway, which records the request in source_redrives and
 * audits it): between two polls the source runtime takes the requests of its system, maps each
 * raw record again with the connector's current remap(), and hands the result to the same
 * publisher as a poll — published under the id the normal path derives, or dead-lettered again
 * with the new cause. The outcome is audited (`dlq.source.redriven`), then the request removed,
 * in one transaction; a crash before that takes the request again later (publishing is
 * idempotent, the event id being derived).
 */
import { describeError, RelaisError } from '../../../../core/errors.ts';
import { appendAudit } from '../../../../core/audit/append.ts';
import { hashId, type Logger } from '../../../../core/logger.ts';
import { parseSourceDeadLetter, type SourceDeadLetter } from './source-dead-letter-message.ts';
import type { Db } from '../../../../core/store/db.ts';
import type { Source, SourceEvent, UnmappedRecord } from '../contract.ts';
import type { SourcePublisher } from './source-publisher.ts';

export { sourceDeadLetterMessage } from './source-dead-letter-message.ts';

/** What a re-drive hands to the publisher: an event to check and publish, or a record still unmapped. */
export type Redriven = { events: SourceEvent[] } | { unmapped: UnmappedRecord } | { discarded: true };

/** Maps a dead letter again with the connector's current code (remap), or takes its event as it was. */
export function mapAgain(source: Pick<Source, 'remap'>, letter: SourceDeadLetter): Redriven {
  const unmapped = (reason: string): Redriven => ({ unmapped: { recordKey: letter.recordKey, raw: letter.raw, reason } });
  if (letter.raw !== null && source.remap) {
    try {
      const events = source.remap(letter.raw);
      return events.length > 0 ? { events: events.map((event) => ({ ...event, raw: letter.raw })) } : { discarded: true };
    } catch (error) {
      // A MappingError names fields and rules; anything else is a connector bug: its code only.
      return unmapped(error instanceof RelaisError ? error.message : `remap failed: ${describeError(error).slice(0, 200)}`);
    }
  }
  if (letter.event) return { events: [letter.event] };
  return unmapped('this connector cannot map a dead-lettered record again (its source has no remap())');
}

export interface RedriveRequest {
  eventId: string;
  letter: SourceDeadLetter;
  requestedBy: string;
}

/** Why a request is taken again if its re-drive did not finish (a crash): generous, a re-drive is quick. */
const CLAIM_EXPIRY = "interval '5 minutes'";

/** Takes (claims) the pending re-drive requests of a system, oldest first. */
export async function claimRedrives(db: Db, system: string, limit = 50): Promise<RedriveRequest[]> {
  const rows = await db.query<{ event_id: string; message: string; requested_by: string }>(
    `UPDATE source_redrives SET claimed_at = now()
      WHERE (system, event_id) IN (
        SELECT system, event_id FROM source_redrives
         WHERE system = $1 AND (claimed_at IS NULL OR claimed_at < now() - ${CLAIM_EXPIRY})
         ORDER BY requested_at LIMIT $2 FOR UPDATE SKIP LOCKED)
      RETURNING event_id, message, requested_by`,
    [system, limit],
  );
  return rows.rows.flatMap((row) => {
    const letter = parseSourceDeadLetter(row.message);
    return letter ? [{ eventId: row.event_id, letter, requestedBy: row.requested_by }] : [];
  });
}

export type RedriveOutcome =
  | { outcome: 'published'; eventIds: string[] }
  | { outcome: 'dead_lettered'; reason: string }
  | { outcome: 'discarded' }
  | { outcome: 'conflict'; eventIds: string[] };

/** Audits a re-drive's outcome and removes its request, in one transaction. */
export async function settleRedrive(
  db: Db,
  system: string,
  request: RedriveRequest,
  result: RedriveOutcome,
  logger: Logger,
): Promise<void> {
  await db.transaction(async (tx) => {
    await appendAudit(tx, {
      actor: `connector:${system}`,
      action: 'dlq.source.redriven',
      changeId: result.outcome === 'published' ? result.eventIds[0] : null,
      details: {
        system,
        eventId: request.eventId,
        outcome: result.outcome,
        requestedBy: request.requestedBy,
        ...(result.outcome === 'published' || result.outcome === 'conflict' ? { publishedEventIds: result.eventIds } : {}),
        ...(result.outcome === 'dead_lettered' ? { reason: result.reason } : {}),
      },
    });
    await tx.query('DELETE FROM source_redrives WHERE system = $1 AND event_id = $2', [system, request.eventId]);
  });
  logger.info(
    { system, eventId: request.eventId, record: hashId(request.letter.recordKey), outcome: result.outcome },
    'source dead letter re-driven',
  );
}

/**
 * Takes the pending re-drives of a system and does each: maps the record again (remap, or the
 * event as handed over), publishes or dead-letters it through the source's publisher, audits
 * the outcome and removes the request. Resolves to the count of events published.
 */
export async function redrivePending(options: {
  db: Db;
  system: string;
  logger: Logger;
  publish: SourcePublisher;
  remap?: Source['remap'];
}): Promise<number> {
  const { db, system, logger, publish } = options;
  let published = 0;
  for (const request of await claimRedrives(db, system)) {
    const again = mapAgain({ remap: options.remap }, request.letter);
    let outcome: RedriveOutcome;
    if ('discarded' in again) outcome = { outcome: 'discarded' };
    else {
      const extras = { checkpoint: request.letter.checkpoint, attempts: request.letter.attempts + 1 };
      const summary =
        'events' in again ? await publish(again.events, extras) : await publish([], { ...extras, unmapped: [again.unmapped] });
      // Partly published (one of a record's events still invalid): dead-lettered again, the rest stands.
      if (summary.deadLettered.length > 0)
        outcome = { outcome: 'dead_lettered', reason: 'unmapped' in again ? again.unmapped.reason : 'an event breaks its schema' };
      else if (summary.published.length > 0) outcome = { outcome: 'published', eventIds: summary.published };
      else outcome = { outcome: 'conflict', eventIds: summary.conflicts };
      published += summary.published.length;
    }
    await settleRedrive(db, system, request, outcome, logger);
  }
  return published;
}
