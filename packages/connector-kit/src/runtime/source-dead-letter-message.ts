/**
 * A source dead letter's message (docs/contracts.md, "Source dead letters"): written by the
 * source runtime (source-dead-letters.ts, source-publisher.ts), read by the gateway's
 * dead-letter view, which imports this one file (not the kit's runtime). It lives with its
 * writer rather than in the kernel, which stays under its size budget.
 */
import type { OutgoingMessage } from '../../../../core/bus/types.ts';

/** The event as a source handed it over (the kit's SourceEvent, without depending on the kit). */
export interface HandedOverEvent {
  recordKey: string;
  type: string;
  citizenLocalId: string;
  data: Record<string, unknown>;
  time?: string;
  raw?: unknown;
}

/** What a source dead letter's value holds. */
export interface SourceDeadLetter {
  system: string;
  recordKey: string;
  /** The event type, when the record was mapped (a schema failure); null when mapping failed. */
  type: string | null;
  /** The record as the connector read it; null when the connector gave none (see `event`). */
  raw: unknown;
  /** The event as handed over, kept only when the connector gave no raw record to map again. */
  event: Omit<HandedOverEvent, 'raw'> | null;
  cause: { code: string; message: string };
  /** The checkpoint returned by the poll that read the record (null for a push, or unknown). */
  checkpoint: string | null;
  attempts: number;
  failedAt: string;
}

export interface DeadLetterInput {
  system: string;
  topic: string;
  eventId: string;
  recordKey: string;
  type: string | null;
  raw: unknown;
  event: HandedOverEvent | null;
  reason: string;
  checkpoint: string | null;
  attempts: number;
}

export function sourceDeadLetterMessage(input: DeadLetterInput): OutgoingMessage {
  const failedAt = new Date().toISOString();
  let event: SourceDeadLetter['event'] = null;
  if (input.raw === undefined && input.event) {
    const { raw: _raw, ...rest } = input.event;
    event = rest;
  }
  const value: SourceDeadLetter = {
    system: input.system,
    recordKey: input.recordKey,
    type: input.type,
    raw: input.raw ?? null,
    event,
    cause: { code: 'EVENT_INVALID', message: input.reason },
    checkpoint: input.checkpoint,
    attempts: input.attempts,
    failedAt,
  };
  return {
    topic: input.topic,
    key: input.eventId,
    value: Buffer.from(JSON.stringify(value)),
    headers: {
      'content-type': 'application/json',
      ce_id: input.eventId,
      ...(input.type ? { ce_type: input.type } : {}),
      relais_kind: 'source',
      relais_system: input.system,
      relais_error_code: 'EVENT_INVALID',
      relais_error_message: input.reason.slice(0, 1000),
      relais_error_retriable: 'false',
      relais_attempts: String(input.attempts),
      relais_failed_at: failedAt,
      ...(input.checkpoint !== null ? { relais_source_checkpoint: input.checkpoint } : {}),
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A source dead letter's value read back, or undefined when it is not one. */
export function parseSourceDeadLetter(text: string): SourceDeadLetter | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || typeof parsed['system'] !== 'string' || typeof parsed['recordKey'] !== 'string') return undefined;
  const cause = isRecord(parsed['cause']) ? parsed['cause'] : {};
  const event = isRecord(parsed['event']) ? (parsed['event'] as unknown as SourceDeadLetter['event']) : null;
  return {
    system: parsed['system'],
    recordKey: parsed['recordKey'],
    type: typeof parsed['type'] === 'string' ? parsed['type'] : null,
    raw: parsed['raw'] ?? null,
    event,
    cause: {
      code: typeof cause['code'] === 'string' ? cause['code'] : 'UNKNOWN',
      message: typeof cause['message'] === 'string' ? cause['message'] : '',
    },
    checkpoint: typeof parsed['checkpoint'] === 'string' ? parsed['checkpoint'] : null,
    attempts: typeof parsed['attempts'] === 'number' ? parsed['attempts'] : 1,
    failedAt: typeof parsed['failedAt'] === 'string' ? parsed['failedAt'] : '',
  };
}
