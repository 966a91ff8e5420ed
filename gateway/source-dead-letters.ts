/**
 * A system's source dead letters for operators (<prefix>.dlq.source.<system>, written by the
 * source runtime: records its source read but could not publish). Listed with what became of
 * each since, and re-driven on request.
 *
 * Why the gateway does not re-drive them itself: re-driving maps the raw record again with the
 * connector's current code, and the gateway never imports a connector. So a re-drive request is
 * recorded in source_redrives — in the transaction that audits it (`dlq.replayed`, kind source)
 * — and the system's source runtime does it between two polls, then audits the outcome
 * (`dlq.source.redriven`). The listing reads both back.
 */
import type { IncomingMessage } from '../core/bus/types.ts';
import { appendAudit } from '../core/audit/append.ts';
import { chooseDeadLetters, deadLetterViewBase, describeDeadLetter, latestByEvent, readTopicToEnd } from './dead-letter-messages.ts';
import type { DeadLetterSources } from './dead-letters.ts';
import { isUuid } from '../core/ids.ts';
import { parseSourceDeadLetter } from '@relais/connector-kit/runtime';
import type { components } from './generated/api.ts';

type DeadLetterView = components['schemas']['DeadLetter'];
type ReplayResult = components['schemas']['DeadLetterReplayResult'];

export interface SourceEntry {
  message: IncomingMessage;
  view: DeadLetterView;
}

/** What became of each re-driven dead letter (the source runtime's audit entries): published, discarded… */
async function outcomes(sources: DeadLetterSources, system: string, ids: string[]) {
  const [pending, published, redriven, replays] = await Promise.all([
    sources.db.query<{ event_id: string }>('SELECT event_id FROM source_redrives WHERE system = $1 AND event_id = ANY($2::uuid[])', [
      system,
      ids,
    ]),
    sources.db.query<{ id: string }>('SELECT id FROM changes WHERE id = ANY($1::uuid[])', [ids]),
    sources.db.query<{ event_id: string; outcome: string }>(
      `SELECT DISTINCT ON (details->>'eventId') details->>'eventId' AS event_id, details->>'outcome' AS outcome FROM audit_log
        WHERE action = 'dlq.source.redriven' AND details->>'system' = $1 AND details->>'eventId' = ANY($2::text[])
        ORDER BY details->>'eventId', seq DESC NULLS LAST`,
      [system, ids],
    ),
    sources.db.query<{ event_id: string; at: Date }>(
      `SELECT details->>'eventId' AS event_id, max(at) AS at FROM audit_log
        WHERE action = 'dlq.replayed' AND details->>'kind' = 'source' AND details->>'system' = $1
          AND details->>'eventId' = ANY($2::text[]) GROUP BY 1`,
      [system, ids],
    ),
  ]);
  return {
    pending: new Set(pending.rows.map((r) => r.event_id)),
    published: new Set(published.rows.map((r) => r.id)),
    redriven: new Map(redriven.rows.map((r) => [r.event_id, r.outcome])),
    replayed: new Map(replays.rows.map((r) => [r.event_id, new Date(r.at).toISOString()])),
  };
}

export async function sourceEntries(sources: DeadLetterSources, system: string): Promise<SourceEntry[]> {
  const messages = latestByEvent(await readTopicToEnd(sources.bus, sources.topics.sourceDlq(system), { groupPrefix: sources.groupPrefix }));
  const ids = [...new Set(messages.flatMap((m) => (isUuid(m.headers['ce_id'] ?? '') ? [m.headers['ce_id']!.toLowerCase()] : [])))];
  const known = await outcomes(sources, system, ids);
  return messages.map((message) => {
    const { eventId, fields } = deadLetterViewBase(describeDeadLetter(message));
    const redriven = eventId ? known.redriven.get(eventId) : undefined;
    const status: DeadLetterView['status'] = !eventId
      ? 'poison'
      : known.pending.has(eventId)
        ? 'replay_pending'
        : known.published.has(eventId) || redriven === 'published' || redriven === 'conflict'
          ? 'published'
          : redriven === 'discarded'
            ? 'discarded'
            : 'dead_lettered';
    return {
      message,
      view: {
        kind: 'source',
        ...fields,
        // The citizen was never resolved: the record did not become an event.
        pivotId: null,
        status,
        replayedAt: (eventId && known.replayed.get(eventId)) || null,
        checkpoint: message.headers['relais_source_checkpoint'] ?? null,
      },
    };
  });
}

/** Records the chosen source dead letters for their connector to re-drive, auditing each request. */
export async function requestSourceRedrives(
  sources: DeadLetterSources,
  system: string,
  selection: { eventIds?: string[] | undefined; all?: boolean | undefined },
  actor: string,
): Promise<ReplayResult> {
  const { chosen, skipped } = chooseDeadLetters(await sourceEntries(sources, system), selection, (entry) => {
    if (!entry) return 'not in the source dead-letter topic';
    if (entry.view.status !== 'dead_lettered') return `already ${entry.view.status}`;
    if (!parseSourceDeadLetter(entry.message.value.toString('utf8'))) return 'poison: not a source dead letter';
    return undefined;
  });
  if (chosen.length > 0) {
    await sources.db.transaction(async (tx) => {
      for (const { view, message } of chosen) {
        await appendAudit(tx, {
          actor,
          action: 'dlq.replayed',
          details: {
            system,
            kind: 'source',
            eventId: view.eventId,
            type: view.type,
            code: view.code,
            partition: view.partition,
            offset: view.offset,
          },
        });
        await tx.query(
          `INSERT INTO source_redrives (system, event_id, message, requested_by) VALUES ($1, $2, $3, $4)
           ON CONFLICT (system, event_id) DO UPDATE SET message = EXCLUDED.message, requested_by = EXCLUDED.requested_by,
             requested_at = now(), claimed_at = NULL`,
          [system, view.eventId, message.value.toString('utf8'), actor],
        );
      }
    });
  }
  return { system, replayed: chosen.map((e) => e.view.eventId!), skipped };
}
