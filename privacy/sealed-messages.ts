/**
 * Events and deliveries on Kafka, sealed with their citizen's key (docs/contracts.md, "Encrypted
 * payloads"). A sealed message keeps its CloudEvents headers (type, subject = pivot id, id, the
 * relais* extensions) and carries two more:
 *
 *   relais_encryption: aes-256-gcm     the value is sealed (sealed-data.ts)
 *   relais_key_id:     <key id>        the citizen's data key
 *
 * Its value is an event's data, or a delivery's `{ citizenId, data, familyContact }`, sealed
 * whole beside its clear part: the data's fields labelled `none` (for a delivery, under `data`;
 * its citizenId and familyContact are personal and never in clear). Receipts are not sealed: they
 * carry field names and digests, never values, and are signed over their bytes.
 *
 * Who opens: the router (it validates, filters on personal fields, minimises and signs the
 * digest of what it delivers), the sink runtime (just before apply), nothing else. A message whose
 * key was erased opens to ERASED: the caller skips it and counts it — never a dead letter.
 */
import type { IncomingMessage, OutgoingMessage } from '../core/bus/types.ts';
import { isUuid } from '../core/ids.ts';
import type { Queryable } from '../core/store/db.ts';
import type { CitizenKeys, DataKey } from './citizen-keys.ts';
import { clearPart, openValue, sealedPayloadOf, sealValue } from './sealed-data.ts';

export const ENCRYPTION_HEADER = 'relais_encryption';
export const KEY_ID_HEADER = 'relais_key_id';
export const ENCRYPTION_ALGORITHM = 'aes-256-gcm';
/** Both headers of a sealed message: whoever copies a message (a dead-letter replay) keeps them. */
export const SEALING_HEADERS: readonly string[] = [ENCRYPTION_HEADER, KEY_ID_HEADER];

/** A message whose citizen was erased: nothing of it can be read any more. */
export const ERASED = Symbol('erased');
export type Opened<M> = M | typeof ERASED;

type Message = Pick<OutgoingMessage, 'value' | 'headers'>;

const isDelivery = (message: Message): boolean => message.headers['ce_relaissystem'] !== undefined;

function parsed(message: Message): unknown {
  try {
    return JSON.parse(message.value.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The part of a message's value that stays in clear. */
function clearOf(message: Message, value: unknown): Record<string, unknown> {
  const type = message.headers['ce_type'] ?? '';
  if (!isDelivery(message)) return clearPart(type, value);
  return { data: clearPart(type, (value as { data?: unknown } | undefined)?.data) };
}

/**
 * The messages sealed, each with its subject's key (one key query for the batch). Left as they
 * are: messages already sealed, and those without a pivot id as subject or a JSON value (receipts
 * and poison are not personal data of a known citizen; a receipt's signature covers its bytes).
 */
export async function sealMessages<M extends OutgoingMessage>(
  keys: CitizenKeys,
  db: Queryable,
  messages: M[],
  skip?: (m: M) => boolean,
): Promise<M[]> {
  const sealable = (m: M): boolean =>
    !skip?.(m) && m.headers[ENCRYPTION_HEADER] === undefined && isUuid(m.headers['ce_subject'] ?? '') && isUuid(m.headers['ce_id'] ?? '');
  const pivots = messages.filter(sealable).map((m) => m.headers['ce_subject']!);
  if (pivots.length === 0) return messages;
  const sealing = await keys.sealingKeys(db, pivots);
  return messages.map((message) => {
    const value = sealable(message) ? parsed(message) : undefined;
    if (value === undefined) return message;
    const key = sealing.get(message.headers['ce_subject']!)!;
    const sealed = sealValue(key, message.headers['ce_id']!, value, clearOf(message, value));
    return {
      ...message,
      value: Buffer.from(JSON.stringify(sealed)),
      headers: { ...message.headers, [ENCRYPTION_HEADER]: ENCRYPTION_ALGORITHM, [KEY_ID_HEADER]: key.id },
    };
  });
}

/**
 * Each message opened: the same message with its original value (and without the two headers),
 * ERASED when its key was destroyed, or — when it does not open (tampered, moved) — left sealed,
 * so the consumer's own decoding refuses it as it refuses any malformed message (a dead letter
 * keeps it sealed). Messages not sealed pass as they are.
 */
export async function openMessages<M extends Pick<IncomingMessage, 'value' | 'headers'>>(
  keys: CitizenKeys,
  db: Queryable,
  messages: M[],
): Promise<Opened<M>[]> {
  const keyIds = messages.flatMap((m) => (m.headers[ENCRYPTION_HEADER] === undefined ? [] : [m.headers[KEY_ID_HEADER] ?? '']));
  if (keyIds.length === 0) return messages;
  const found = await keys.openingKeys(db, keyIds);
  return messages.map((message): Opened<M> => {
    if (message.headers[ENCRYPTION_HEADER] === undefined) return message;
    const key = found.get(message.headers[KEY_ID_HEADER] ?? '');
    if (!key || !('key' in key)) return ERASED;
    const payload = sealedPayloadOf(parsed(message));
    if (!payload || payload.kid !== key.id || message.headers['ce_subject'] !== key.pivotId) return message;
    try {
      const value = openValue(key, message.headers['ce_id'] ?? '', payload);
      const { [ENCRYPTION_HEADER]: _alg, [KEY_ID_HEADER]: _kid, ...headers } = message.headers;
      return { ...message, value: Buffer.from(JSON.stringify(value)), headers };
    } catch {
      return message;
    }
  });
}

/**
 * A change as the store and the outbox keep it: its data for `changes.data` and its event for the
 * outbox, both sealed with the citizen's key (created now, in the caller's transaction, for a
 * citizen's first change); both as they are without keys.
 */
export async function sealChange<M extends OutgoingMessage>(
  keys: CitizenKeys | undefined,
  tx: Queryable,
  change: { id: string; pivotId: string; type: string; data: unknown },
  event: M,
): Promise<{ data: unknown; event: M }> {
  return sealChangeWith(keys && (await keys.sealingKey(tx, change.pivotId)), change, event);
}

/** sealChange with the citizen's key in hand (a group commit reads its citizens' keys at once). */
export function sealChangeWith<M extends OutgoingMessage>(
  key: DataKey | undefined,
  change: { id: string; type: string; data: unknown },
  event: M,
): { data: unknown; event: M } {
  if (!key) return { data: change.data, event };
  const sealed = sealValue(key, change.id, change.data, clearPart(change.type, change.data));
  return {
    data: sealed,
    event: {
      ...event,
      value: Buffer.from(JSON.stringify(sealed)),
      headers: { ...event.headers, [ENCRYPTION_HEADER]: ENCRYPTION_ALGORITHM, [KEY_ID_HEADER]: key.id },
    },
  };
}

/** A consumed batch opened for processing: what can be read, and how many messages were erased (skipped). */
export async function openBatch<M extends Pick<IncomingMessage, 'value' | 'headers'>>(
  keys: CitizenKeys,
  db: Queryable,
  messages: M[],
): Promise<{ readable: M[]; erased: number }> {
  const opened = await openMessages(keys, db, messages);
  const readable = opened.filter((m): m is M => m !== ERASED);
  return { readable, erased: opened.length - readable.length };
}
