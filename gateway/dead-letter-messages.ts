/**
 * Dead letters of one system: reading its DLQ topic and re-driving a dead letter to the
 * system's delivery topic once the cause is fixed.
 *
 * A DLQ message is the original delivery, unchanged, plus `relais_*` error headers
 * (outcomes.ts). Re-driving publishes the original back (without those headers, with its key,
 * so the citizen's order holds): the sink's ledger lets a dead-lettered event be tried again
 * (ledger.ts), and its receipt updates the change's status. Nothing is removed from the DLQ
 * topic (Kafka topics are append-only); whether a dead letter still matters is decided from
 * the ledger by the caller.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Bus, IncomingMessage, OutgoingMessage } from '../core/bus/types.ts';
import { RelaisError } from '../core/errors.ts';
import { isUuid } from '../core/ids.ts';
import { SEALING_HEADERS } from '../privacy/sealed-messages.ts';

export interface DeadLetter {
  /** The event id (ce_id); absent for a poison message that was not a delivery. */
  eventId: string | undefined;
  type: string | undefined;
  /** The pivot id (ce_subject): a pseudonym, never personal data in clear. */
  pivotId: string | undefined;
  code: string;
  error: string;
  retriable: boolean;
  attempts: number;
  failedAt: string | undefined;
  partition: number;
  offset: string;
  /** Not a delivery (not JSON, invalid UTF-8, not a valid envelope): it cannot be replayed as it is. */
  poison: boolean;
}

/** What the DLQ headers say about one dead letter. */
export function describeDeadLetter(message: IncomingMessage): DeadLetter {
  const h = message.headers;
  return {
    eventId: h['ce_id'],
    type: h['ce_type'],
    pivotId: h['ce_subject'],
    code: h['relais_error_code'] ?? 'UNKNOWN',
    error: h['relais_error_message'] ?? '',
    retriable: h['relais_error_retriable'] === 'true',
    attempts: Number(h['relais_attempts'] ?? 0),
    failedAt: h['relais_failed_at'],
    partition: message.partition,
    offset: message.offset,
    poison: h['relais_poison'] === 'true' || !h['ce_id'],
  };
}

/** The fields every dead letter's view shows, whatever its kind; `eventId` normalised (undefined: poison). */
export function deadLetterViewBase(facts: DeadLetter) {
  const eventId = facts.eventId && isUuid(facts.eventId) ? facts.eventId.toLowerCase() : undefined;
  return {
    eventId,
    fields: {
      eventId: eventId ?? null,
      type: facts.type ?? null,
      code: facts.code,
      error: facts.error,
      attempts: facts.attempts,
      failedAt: facts.failedAt ?? null,
      partition: facts.partition,
      offset: facts.offset,
    },
  };
}

/** The original delivery of a dead letter, to publish again on the system's delivery topic. */
export function redelivery(message: IncomingMessage, deliveryTopic: string): OutgoingMessage {
  // The dead letter's own headers go; a sealed delivery's two stay, or it could not be opened again.
  const headers = Object.fromEntries(
    Object.entries(message.headers).filter(([name]) => !name.startsWith('relais_') || SEALING_HEADERS.includes(name)),
  );
  return { topic: deliveryTopic, key: message.key ?? '', value: message.value, headers };
}

/**
 * Reads a topic from its earliest kept offset up to its end as of the call, with a throwaway
 * consumer group (its committed offsets expire with the broker's offsets retention). Fails with
 * KAFKA_UNAVAILABLE when the end is not reached within `timeoutMs`.
 */
export async function readTopicToEnd(
  bus: Bus,
  topic: string,
  options: { groupPrefix: string; timeoutMs?: number },
): Promise<IncomingMessage[]> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const ends = (await bus.topicOffsets([topic], timeoutMs)).filter((p) => p.end > p.start);
  if (ends.length === 0) return [];
  const seen = new Map<string, IncomingMessage>();
  const last = new Map<number, bigint>();
  const subscription = await bus.consume({
    groupId: `${options.groupPrefix}-${randomUUID()}`,
    topics: [topic],
    fromBeginning: true,
    maxBatchSize: 500,
    handler: async (batch, context) => {
      for (const message of batch) {
        seen.set(`${message.partition}:${message.offset}`, message);
        last.set(message.partition, BigInt(message.offset));
        context.markProcessed(message);
      }
    },
  });
  try {
    const deadline = Date.now() + timeoutMs;
    const done = (): boolean => ends.every((p) => (last.get(p.partition) ?? -1n) >= p.end - 1n);
    while (!done()) {
      if (Date.now() > deadline)
        throw new RelaisError('KAFKA_UNAVAILABLE', `reading ${topic}: its end was not reached within ${timeoutMs} ms`);
      await sleep(50);
    }
  } finally {
    await subscription.close();
  }
  return [...seen.values()].sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}

/** The latest dead letter of each event (a failed re-drive dead-letters the event again), oldest first. */
export function latestByEvent(messages: IncomingMessage[]): IncomingMessage[] {
  const byKey = new Map<string, IncomingMessage>();
  for (const message of messages) {
    const eventId = message.headers['ce_id'];
    const key = eventId ?? `poison:${message.partition}:${message.offset}`;
    const previous = byKey.get(key);
    const failedAt = (m: IncomingMessage): string => m.headers['relais_failed_at'] ?? '';
    if (!previous || failedAt(message) >= failedAt(previous)) byKey.set(key, message);
  }
  return [...byKey.values()].sort((a, b) => (a.headers['relais_failed_at'] ?? '').localeCompare(b.headers['relais_failed_at'] ?? ''));
}

/**
 * The dead letters a replay takes: every still-dead one with `all`, else the named events, each
 * named one `skipReason` refuses (or not found) listed as skipped with the reason.
 */
export function chooseDeadLetters<E extends { view: { eventId: string | null; status: string } }>(
  all: E[],
  selection: { eventIds?: string[] | undefined; all?: boolean | undefined },
  skipReason: (entry: E | undefined) => string | undefined,
): { chosen: E[]; skipped: { eventId: string; reason: string }[] } {
  if (selection.all) return { chosen: all.filter((e) => e.view.status === 'dead_lettered'), skipped: [] };
  const chosen: E[] = [];
  const skipped: { eventId: string; reason: string }[] = [];
  const byId = new Map(all.flatMap((e) => (e.view.eventId ? [[e.view.eventId, e] as const] : [])));
  for (const eventId of (selection.eventIds ?? []).map((id) => id.toLowerCase())) {
    const entry = byId.get(eventId);
    const reason = skipReason(entry);
    if (entry && !reason) chosen.push(entry);
    else skipped.push({ eventId, reason: reason ?? 'not in the dead-letter topic' });
  }
  return { chosen, skipped };
}
