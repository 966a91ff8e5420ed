/**
 * What the source runtime does with the events a source hands over, polled or pushed:
 *   1. checks each event (a catalogue type, data valid against its schema, a citizen, a time);
 *      an invalid one — and a record the connector could not map — is dead-lettered to
 *      <prefix>.dlq.source.<system> with its cause and raw record (source-dead-letters.ts),
 *      logged without its content and counted — it never blocks the source, and re-polling it
 *      would not make it valid;
 *   2. derives its id, a UUID v5 of (system, recordKey), so the same record is the same event;
 *   3. in one store transaction: resolves the silo's identifier of the citizen to the pivot id
 *      (a citizen first seen here gets one only when the system's flow says `firstSightings:
 *      allow`; otherwise the event is logged without its content, counted and skipped, like an
 *      invalid one: no accidental citizens) and records the change with a `pending` status per
 *      system it concerns (planDeliveries decides, as for the gateway and the router;
 *      core/store/change-record.ts records, as for the gateway), so it reads like a posted
 *      change through the gateway; a record seen before keeps what was stored;
 *   4. publishes them to <prefix>.events (source `/connectors/<system>`, `relaisorigin` set to
 *      the system, so the router never sends them back), and the dead letters, and resolves once
 *      Kafka acknowledged both (the caller saves its checkpoint only then).
 * Every step is safe to repeat: after a crash anywhere, publishing the same records again
 * records nothing new and re-sends the same event ids, which sinks apply once.
 */
import { createHash } from 'node:crypto';
import type { Bus, OutgoingMessage } from '../../../../core/bus/types.ts';
import { insertChange } from '../../../../core/store/change-record.ts';
import { canonicalJson } from '../../../../core/canonical-json.ts';
import { encodeCanonical } from '../../../../core/envelopes.ts';
import { holdingSystems, lockForChange, resolveCitizen } from '../../../../identity/identity-store.ts';
import { sourceEventId } from '../../../../core/ids.ts';
import { hashId, type Logger } from '../../../../core/logger.ts';
import type { Flows } from '../../../../core/flows/flows.ts';
import { concernedOnly, planDeliveries } from '../../../../core/flows/plan.ts';
import { bereavementOf } from '../../../../identity/family-contact.ts';
import type { Db, Queryable } from '../../../../core/store/db.ts';
import type { TopicNames } from '../../../../core/topics.ts';
import { childTraceparent } from '../../../../core/tracing/traceparent.ts';
import { isEventType, schemaIdOf, validateEventData } from '../../../../schemas/index.ts';
import type { SourceEvent, UnmappedRecord } from '../contract.ts';
import { sourceDeadLetterMessage } from './source-dead-letter-message.ts';
import type { CitizenKeys } from '../../../../privacy/citizen-keys.ts';
import { openStoredData, sealStoredData } from '../../../../privacy/sealed-data.ts';
import { sealMessages } from '../../../../privacy/sealed-messages.ts';

/** Hooks for metrics (issue #6 wires Prometheus); every hook is optional. */
export interface SourceMetrics {
  polled?(system: string, outcome: 'ok' | 'failed', durationMs: number): void;
  published?(system: string, count: number): void;
  invalid?(system: string, type: string): void;
}

export interface SourcePublisherOptions {
  system: string;
  bus: Bus;
  db: Db;
  topics: TopicNames;
  /** Read for every batch: the recipients recorded as `pending` follow the current flows. */
  flows: () => Flows;
  logger: Logger;
  metrics?: SourceMetrics | undefined;
  /** The citizens' data keys (privacy/): the change's data and its event are sealed with its citizen's. Unset: as they are. */
  citizenKeys?: CitizenKeys | undefined;
}

export interface PublishSummary {
  /** Ids of the events published, in order. */
  published: string[];
  /** Events not published because they are invalid (dead-lettered). */
  invalid: number;
  /** Ids (derived from the record keys) of the records dead-lettered: invalid events and unmapped records. */
  deadLettered: string[];
  /**
   * Ids of events not published because their record was seen before with different data (a
   * webhook reusing a notification id for another content): the first content stands.
   */
  conflicts: string[];
  /** Ids of events skipped because they name an identifier the crosswalk does not know, and the flow refuses first sightings. */
  unknownCitizens?: string[];
}

/** What else a round hands over with its events. */
export interface PublishExtras {
  /** Records the connector read but could not map: dead-lettered. */
  unmapped?: UnmappedRecord[] | undefined;
  /** The checkpoint of the poll that read them, kept in their dead letters. */
  checkpoint?: string | null | undefined;
  /** How many times these records were tried (a re-drive counts one more). */
  attempts?: number | undefined;
}

export type SourcePublisher = (events: SourceEvent[], extras?: PublishExtras) => Promise<PublishSummary>;

/** Why an event cannot be published (field names and schema messages only: no values). */
function problemsOf(event: SourceEvent): string[] {
  if (typeof event.type !== 'string' || !isEventType(event.type)) return ['type: not an event type of the catalogue'];
  const problems = validateEventData(event.type, event.data).map((i) => `${i.field} ${i.message}`);
  if (typeof event.recordKey !== 'string' || event.recordKey === '') problems.push('recordKey: empty');
  if (typeof event.citizenLocalId !== 'string' || event.citizenLocalId === '') problems.push('citizenLocalId: empty');
  if (event.time !== undefined && Number.isNaN(Date.parse(event.time))) problems.push('time: not an RFC 3339 time');
  return problems;
}

interface Recorded {
  pivotId: string;
  acceptedAt: Date;
  traceparent: string;
  seq: number | undefined;
  /** The record was seen before with different data: one event id cannot carry two payloads. */
  conflict?: true;
}

/** What was recorded, or undefined when the event names no citizen and may not create one. */
async function record(
  tx: Queryable,
  { system, keys }: { system: string; keys: CitizenKeys | undefined },
  id: string,
  event: SourceEvent,
  flows: Flows,
): Promise<Recorded | undefined> {
  const pivotId = await resolveCitizen(
    tx,
    { system, id: event.citizenLocalId },
    { method: 'first-sighting', by: `connector:${system}` },
    { firstSighting: flows.systems.get(system)?.firstSightings === 'allow' },
  );
  if (!pivotId) return undefined;
  // Numbered among the citizen's changes like a gateway change (the row stays locked until commit).
  const { seq } = (await lockForChange(tx, pivotId))!;
  const candidate: Recorded = { pivotId, acceptedAt: new Date(), traceparent: childTraceparent(), seq };
  // Only the systems that hold a file on the citizen, where the route's audience asks it (docs/adr/0026).
  const plan = planDeliveries(flows, { type: event.type, data: event.data, origin: system });
  const holders = await holdingSystems(tx, pivotId);
  const bereaved = await bereavementOf(tx, pivotId, event.type, plan);
  const { systems, notConcerned } = concernedOnly(plan, (s) => holders.has(s), bereaved);
  const inserted = await insertChange(tx, {
    id,
    type: event.type,
    pivotId,
    caller: `connector:${system}`,
    originSystem: system,
    data: await sealStoredData(keys, tx, { id, pivotId, type: event.type, data: event.data }),
    traceparent: candidate.traceparent,
    requestHash: createHash('sha256').update(`${system}\n${event.recordKey}`).digest('hex'),
    acceptedAt: candidate.acceptedAt,
    seq,
    plannedSystems: systems,
    notConcerned,
  });
  if (inserted) return candidate;
  // Seen before (a re-poll after a crash): publish exactly what was recorded then.
  const stored = await tx.query<{ pivot_id: string; accepted_at: Date; traceparent: string | null; seq: string | null; data: unknown }>(
    'SELECT pivot_id, accepted_at, traceparent, seq, data FROM changes WHERE id = $1',
    [id],
  );
  const row = stored.rows[0]!;
  return {
    ...(canonicalJson(await openStoredData(keys, tx, { id, data: row.data })) === canonicalJson(event.data)
      ? {}
      : { conflict: true as const }),
    pivotId: row.pivot_id,
    acceptedAt: new Date(row.accepted_at),
    traceparent: row.traceparent ?? candidate.traceparent,
    seq: row.seq === null ? undefined : Number(row.seq),
  };
}

export function createSourcePublisher(options: SourcePublisherOptions): SourcePublisher {
  const { system, bus, db, topics, logger, metrics } = options;
  const source = `/connectors/${system}`;

  return async (events, extras = {}) => {
    const valid: { id: string; event: SourceEvent }[] = [];
    const deadLetters: OutgoingMessage[] = [];
    const deadLettered: string[] = [];
    const deadLetter = (recordKey: string, type: string | null, raw: unknown, event: SourceEvent | null, reason: string): void => {
      const eventId = sourceEventId(system, String(recordKey));
      deadLettered.push(eventId);
      deadLetters.push(
        sourceDeadLetterMessage({
          system,
          topic: topics.sourceDlq(system),
          eventId,
          recordKey: String(recordKey),
          type,
          raw,
          event,
          reason,
          checkpoint: extras.checkpoint ?? null,
          attempts: extras.attempts ?? 1,
        }),
      );
    };
    let invalid = 0;
    for (const event of events) {
      const problems = problemsOf(event);
      if (problems.length > 0) {
        invalid++;
        metrics?.invalid?.(system, String(event.type));
        logger.warn({ system, type: event.type, record: hashId(String(event.recordKey)), problems }, 'invalid source event dead-lettered');
        const type = typeof event.type === 'string' && isEventType(event.type) ? event.type : null;
        deadLetter(event.recordKey, type, event.raw, event, `the event breaks its schema: ${problems.join('; ')}`);
        continue;
      }
      valid.push({ id: sourceEventId(system, event.recordKey), event });
    }
    for (const record of extras.unmapped ?? []) {
      metrics?.invalid?.(system, 'unmapped');
      logger.warn({ system, record: hashId(String(record.recordKey)), reason: record.reason }, 'unmapped source record dead-lettered');
      deadLetter(record.recordKey, null, record.raw, null, `the record cannot be mapped: ${record.reason}`);
    }
    if (valid.length === 0) {
      await bus.publish(deadLetters);
      return { published: [], invalid, deadLettered, conflicts: [] };
    }

    const flows = options.flows();
    const conflicts: string[] = [];
    const unknownCitizens: string[] = [];
    const messages: OutgoingMessage[] = await db.transaction(async (tx) => {
      const out: OutgoingMessage[] = [];
      for (const { id, event } of valid) {
        const recorded = await record(tx, { system, keys: options.citizenKeys }, id, event, flows);
        if (!recorded) {
          unknownCitizens.push(id);
          metrics?.invalid?.(system, event.type);
          logger.warn(
            { system, eventId: id, record: hashId(String(event.recordKey)) },
            'source event names a citizen the crosswalk does not know (firstSightings: refuse): skipped',
          );
          continue;
        }
        if (recorded.conflict) {
          conflicts.push(id);
          logger.warn(
            { system, eventId: id, record: hashId(String(event.recordKey)) },
            'source record seen before with other data: not published',
          );
          continue;
        }
        out.push(
          encodeCanonical(
            {
              id,
              type: event.type,
              source,
              pivotId: recorded.pivotId,
              time: event.time ?? recorded.acceptedAt.toISOString(),
              data: event.data,
              dataschema: schemaIdOf(event.type),
              traceparent: recorded.traceparent,
              origin: system,
              seq: recorded.seq,
            },
            topics.events,
          ),
        );
      }
      return out;
    });
    // Sealed once the keys the transaction may have created are committed (docs/adr/0032).
    const sealed = options.citizenKeys ? await sealMessages(options.citizenKeys, db, messages) : messages;
    await bus.publish([...sealed, ...deadLetters]);
    metrics?.published?.(system, messages.length);
    const skipped = new Set([...conflicts, ...unknownCitizens]);
    return {
      published: valid.map((v) => v.id).filter((id) => !skipped.has(id)),
      invalid,
      deadLettered,
      conflicts,
      ...(unknownCitizens.length > 0 ? { unknownCitizens } : {}),
    };
  };
}
