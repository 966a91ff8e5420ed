/**
 * A system's dead letters for operators: GET /v1/systems/{system}/dead-letters lists them with
 * what happened since (from the connector's ledger) and the last replay (from the audit log);
 * POST …/dead-letters/replay re-drives them once the cause is fixed (packages/connector-kit/src/runtime/dead-letters.ts).
 * Source dead letters (records a source could not publish) are in source-dead-letters.ts.
 *
 * A replay writes one audit entry per event in the same transaction that is committed only
 * after Kafka acknowledged the re-drive: no replay without its audit entry, no audit entry for
 * a replay that did not happen.
 */
import type { Bus, IncomingMessage } from '../core/bus/types.ts';
import {
  chooseDeadLetters,
  deadLetterViewBase,
  describeDeadLetter,
  latestByEvent,
  readTopicToEnd,
  redelivery,
} from './dead-letter-messages.ts';
import { appendAudit } from '../core/audit/append.ts';
import { isUuid } from '../core/ids.ts';
import type { Db } from '../core/store/db.ts';
import type { TopicNames } from '../core/topics.ts';
import type { components } from './generated/api.ts';
import { requestSourceRedrives, sourceEntries } from './source-dead-letters.ts';

type DeadLetters = components['schemas']['DeadLetters'];
type DeadLetterView = components['schemas']['DeadLetter'];
type ReplayResult = components['schemas']['DeadLetterReplayResult'];
type DiscardResult = components['schemas']['DeadLetterDiscardResult'];
export type DeadLetterKind = components['schemas']['DeadLetterKind'];

export interface DeadLetterSources {
  db: Db;
  bus: Bus;
  topics: TopicNames;
  /** Prefix of the throwaway consumer groups that read the DLQ topic. */
  groupPrefix: string;
}

export interface Entry {
  message: IncomingMessage;
  view: DeadLetterView;
}

/** The system's delivery dead letters, each with what became of it since. */
export async function deadLetterEntries(sources: DeadLetterSources, system: string): Promise<Entry[]> {
  const messages = latestByEvent(await readTopicToEnd(sources.bus, sources.topics.dlq(system), { groupPrefix: sources.groupPrefix }));
  const ids = [...new Set(messages.flatMap((m) => (isUuid(m.headers['ce_id'] ?? '') ? [m.headers['ce_id']!.toLowerCase()] : [])))];
  const [ledger, replays] = await Promise.all([
    sources.db.query<{ event_id: string; outcome: string }>(
      'SELECT event_id, outcome FROM sink_ledger WHERE system = $1 AND event_id = ANY($2::uuid[])',
      [system, ids],
    ),
    sources.db.query<{ event_id: string; action: string; at: Date }>(
      `SELECT details->>'eventId' AS event_id, action, max(at) AS at FROM audit_log
        WHERE action IN ('dlq.replayed', 'dlq.discarded') AND coalesce(details->>'kind', 'delivery') = 'delivery' AND details->>'system' = $1
          AND details->>'eventId' = ANY($2::text[]) GROUP BY 1, 2`,
      [system, ids],
    ),
  ]);
  const outcome = new Map(ledger.rows.map((r) => [r.event_id, r.outcome]));
  const replayed = new Map(replays.rows.filter((r) => r.action === 'dlq.replayed').map((r) => [r.event_id, new Date(r.at).toISOString()]));
  // A discard is final: an operator decided the delivery must not be applied.
  const discarded = new Set(replays.rows.filter((r) => r.action === 'dlq.discarded').map((r) => r.event_id));
  return messages.map((message) => {
    const facts = describeDeadLetter(message);
    const { eventId, fields } = deadLetterViewBase(facts);
    const settled = eventId && outcome.get(eventId);
    const status = !eventId
      ? 'poison'
      : settled === 'applied' || settled === 'rejected' || settled === 'superseded'
        ? settled
        : eventId && discarded.has(eventId)
          ? 'discarded'
          : 'dead_lettered';
    return {
      message,
      view: {
        kind: 'delivery',
        ...fields,
        pivotId: facts.pivotId ?? null,
        status,
        replayedAt: (eventId && replayed.get(eventId)) || null,
      },
    };
  });
}

/** Both kinds (delivery dead letters first), or one. */
export async function listDeadLetters(sources: DeadLetterSources, system: string, kind?: DeadLetterKind): Promise<DeadLetters> {
  const [deliveries, records] = await Promise.all([
    kind === 'source' ? [] : deadLetterEntries(sources, system),
    kind === 'delivery' ? [] : sourceEntries(sources, system),
  ]);
  return { system, deadLetters: [...deliveries, ...records].map((e) => e.view) };
}

/** Why a requested event cannot be re-driven, or undefined when it can. */
export function skipReason(entry: Entry | undefined): string | undefined {
  if (!entry) return 'not in the dead-letter topic';
  if (entry.view.status === 'poison') return 'poison: not a delivery, it cannot be replayed as it is';
  if (entry.view.status !== 'dead_lettered') return `already ${entry.view.status} since`;
  return undefined;
}

/** Re-drives the chosen dead letters (every still-dead one with `all`), auditing each. */
export async function replayDeadLetters(
  sources: DeadLetterSources,
  system: string,
  selection: { eventIds?: string[] | undefined; all?: boolean | undefined; kind?: DeadLetterKind | undefined },
  actor: string,
): Promise<ReplayResult> {
  if (selection.kind === 'source') return requestSourceRedrives(sources, system, selection, actor);
  const { chosen, skipped } = chooseDeadLetters(await deadLetterEntries(sources, system), selection, skipReason);
  if (chosen.length > 0) {
    await sources.db.transaction(async (tx) => {
      for (const { view } of chosen) {
        await appendAudit(tx, {
          actor,
          action: 'dlq.replayed',
          changeId: view.eventId,
          pivotId: view.pivotId,
          details: {
            system,
            eventId: view.eventId,
            type: view.type,
            code: view.code,
            partition: view.partition,
            offset: view.offset,
          },
        });
      }
      await sources.bus.publish(chosen.map((e) => redelivery(e.message, sources.topics.delivery(system))));
    });
  }
  return { system, replayed: chosen.map((e) => e.view.eventId!), skipped };
}

/**
 * Discards the chosen dead letters with the operator's reason: an audit entry each
 * (`dlq.discarded`), after which the list shows them `discarded` and a replay skips them. Nothing
 * is published; the change's status for the system stays `dead_lettered`, with the discard
 * findable in the audit log.
 */
export async function discardDeadLetters(
  sources: DeadLetterSources,
  system: string,
  selection: { eventIds: string[]; reason: string },
  actor: string,
): Promise<DiscardResult> {
  const { chosen, skipped } = chooseDeadLetters(await deadLetterEntries(sources, system), selection, skipReason);
  await sources.db.transaction(async (tx) => {
    for (const { view } of chosen)
      await appendAudit(tx, {
        actor,
        action: 'dlq.discarded',
        changeId: view.eventId,
        pivotId: view.pivotId,
        details: { system, eventId: view.eventId, type: view.type, code: view.code, reason: selection.reason },
      });
  });
  return { system, discarded: chosen.map((e) => e.view.eventId!), skipped };
}
