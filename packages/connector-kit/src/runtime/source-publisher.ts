/**
 * What the source runtime does with the events a source hands over, polled or pushed:
 *   1. checks each event (a catalogue type, data valid against its schema, a citizen, a time);
 *      an invalid one is logged without its content, counted and skipped — it never blocks the
 *      source, and re-polling it would not make it valid;
 *   2. derives its id, a UUID v5 of (system, recordKey), so the same record is the same event;
 *   3. in one store transaction: resolves the silo's identifier of the citizen to the pivot id
 *      (a citizen first seen here gets one) and records the change with a `pending` status per
 *      system it concerns (planDeliveries decides, as for the gateway and the router;
 *      core/store/change-record.ts records, as for the gateway), so it reads like a posted
 *      change through the gateway; a record seen before keeps what was stored;
 *   4. publishes them to <prefix>.events (source `/connectors/<system>`, `relaisorigin` set to
 *      the system, so the router never sends them back) and resolves once Kafka acknowledged.
 * Every step is safe to repeat: after a crash anywhere, publishing the same records again
 * records nothing new and re-sends the same event ids, which sinks apply once.
 */
import { createHash } from 'node:crypto';
import type { Bus, OutgoingMessage } from '../../../../core/bus/types.ts';
import { insertChange } from '../../../../core/store/change-record.ts';
import { encodeCanonical } from '../../../../core/envelopes.ts';
import { resolveCitizen } from '../../../../core/identity/identity-store.ts';
import { sourceEventId } from '../../../../core/ids.ts';
import { hashId, type Logger } from '../../../../core/logger.ts';
import type { Flows } from '../../../../core/flows/flows.ts';
import { planDeliveries } from '../../../../core/flows/plan.ts';
import type { Db, Queryable } from '../../../../core/store/db.ts';
import type { TopicNames } from '../../../../core/topics.ts';
import { childTraceparent } from '../../../../core/tracing/traceparent.ts';
import { isEventType, schemaIdOf, validateEventData } from '../../../../schemas/index.ts';
import type { SourceEvent } from '../contract.ts';

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
}

export interface PublishSummary {
  /** Ids of the events published, in order. */
  published: string[];
  /** Events skipped because they are invalid. */
  invalid: number;
}

export type SourcePublisher = (events: SourceEvent[]) => Promise<PublishSummary>;

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
}

async function record(tx: Queryable, system: string, id: string, event: SourceEvent, flows: Flows): Promise<Recorded> {
  const pivotId = await resolveCitizen(tx, { system, id: event.citizenLocalId }, { method: 'first-sighting', by: `connector:${system}` });
  if (!pivotId) throw new Error('unreachable: a system identifier always resolves');
  const candidate: Recorded = { pivotId, acceptedAt: new Date(), traceparent: childTraceparent() };
  const { systems } = planDeliveries(flows, { type: event.type, data: event.data, origin: system });
  const inserted = await insertChange(tx, {
    id,
    type: event.type,
    pivotId,
    caller: `connector:${system}`,
    originSystem: system,
    data: event.data,
    traceparent: candidate.traceparent,
    requestHash: createHash('sha256').update(`${system}\n${event.recordKey}`).digest('hex'),
    acceptedAt: candidate.acceptedAt,
    plannedSystems: systems,
  });
  if (inserted) return candidate;
  // Seen before (a re-poll after a crash): publish exactly what was recorded then.
  const stored = await tx.query<{ pivot_id: string; accepted_at: Date; traceparent: string | null }>(
    'SELECT pivot_id, accepted_at, traceparent FROM changes WHERE id = $1',
    [id],
  );
  const row = stored.rows[0]!;
  return { pivotId: row.pivot_id, acceptedAt: new Date(row.accepted_at), traceparent: row.traceparent ?? candidate.traceparent };
}

export function createSourcePublisher(options: SourcePublisherOptions): SourcePublisher {
  const { system, bus, db, topics, logger, metrics } = options;
  const source = `/connectors/${system}`;

  return async (events) => {
    const valid: { id: string; event: SourceEvent }[] = [];
    let invalid = 0;
    for (const event of events) {
      const problems = problemsOf(event);
      if (problems.length > 0) {
        invalid++;
        metrics?.invalid?.(system, String(event.type));
        logger.warn({ system, type: event.type, record: hashId(String(event.recordKey)), problems }, 'invalid source event skipped');
        continue;
      }
      valid.push({ id: sourceEventId(system, event.recordKey), event });
    }
    if (valid.length === 0) return { published: [], invalid };

    const flows = options.flows();
    const messages: OutgoingMessage[] = await db.transaction(async (tx) => {
      const out: OutgoingMessage[] = [];
      for (const { id, event } of valid) {
        const recorded = await record(tx, system, id, event, flows);
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
            },
            topics.events,
          ),
        );
      }
      return out;
    });
    await bus.publish(messages);
    metrics?.published?.(system, messages.length);
    return { published: valid.map((v) => v.id), invalid };
  };
}
