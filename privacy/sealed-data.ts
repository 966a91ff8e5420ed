/**
 * Sealing one record's personal data with its citizen's key (docs/contracts.md, "Encrypted
 * payloads"; docs/adr/0032). The granularity is the record, split by the schemas' labels:
 *
 *   { <the fields labelled `none`, in clear, where they were>, "relaisSealed": { "v": 1, "kid": <key id>, "data": <base64> } }
 *
 * `data` is nonce ‖ AES-256-GCM ciphertext ‖ tag of the WHOLE original value (clear fields
 * included), so opening is one decryption and one JSON.parse, with no merging; the clear copy is
 * for whoever needs no personal data — SQL over the store (KPIs, retention, the life state), a
 * dead-letter view, a log — and for whoever reads after an erasure. The associated data binds the
 * ciphertext to its record id and citizen: moved to another change or citizen, it does not open.
 */
import { RelaisError } from '../core/errors.ts';
import type { Queryable } from '../core/store/db.ts';
import { DEATH_REGISTERED_V1 } from '../schemas/index.ts';
import { REDACTED, redactEventData } from '../schemas/redaction.ts';
import { open, seal } from './aead.ts';
import type { CitizenKeys, DataKey } from './citizen-keys.ts';

export const SEALED_MEMBER = 'relaisSealed';
/** What a read finds in place of the sealed member once the citizen was erased. */
export const ERASED_MEMBER = 'relaisErased';

export interface SealedPayload {
  v: 1;
  /** The data key's id (citizen_keys.key_id). */
  kid: string;
  /** base64(nonce ‖ ciphertext ‖ tag). */
  data: string;
}

/**
 * Fields kept in clear although labelled personal, each for a rule that must hold even after an
 * erasure. The date of death: the gateway refuses changes about a deceased citizen and the router
 * marks their deliveries (identity/life-state.ts, read in SQL); the data protection regulation does
 * not cover the deceased (GDPR recital 27), and a death record is public in France.
 */
const keptInClear: Record<string, readonly string[]> = { [DEATH_REGISTERED_V1]: ['dateOfDeath'] };

/** The part of an event's data that stays in clear: the fields labelled `none`, and those kept in clear on purpose. */
export function clearPart(type: string, data: unknown): Record<string, unknown> {
  const prune = (value: unknown): unknown => {
    if (value === REDACTED) return undefined;
    if (Array.isArray(value)) return value.map(prune);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [name, inner] of Object.entries(value)) {
      const kept = prune(inner);
      if (kept !== undefined) out[name] = kept;
    }
    return out;
  };
  const pruned = prune(redactEventData(type, data));
  const clear = pruned !== null && typeof pruned === 'object' && !Array.isArray(pruned) ? (pruned as Record<string, unknown>) : {};
  if (data !== null && typeof data === 'object')
    for (const field of keptInClear[type] ?? []) {
      const value = (data as Record<string, unknown>)[field];
      if (value !== undefined) clear[field] = value;
    }
  return clear;
}

const aadOf = (recordId: string, pivotId: string, keyId: string): string => `relais-sealed-v1\n${recordId}\n${pivotId}\n${keyId}`;

/** `value` sealed under `key` for the record `recordId` (an event's or change's id), beside its clear part. */
export function sealValue(key: DataKey, recordId: string, value: unknown, clear: Record<string, unknown>): Record<string, unknown> {
  const sealed = seal(key.key, Buffer.from(JSON.stringify(value), 'utf8'), aadOf(recordId, key.pivotId, key.id));
  const payload: SealedPayload = { v: 1, kid: key.id, data: sealed.toString('base64') };
  return { ...clear, [SEALED_MEMBER]: payload };
}

/** The sealed member of a value, when it has a well-formed one. */
export function sealedPayloadOf(value: unknown): SealedPayload | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const payload = (value as Record<string, unknown>)[SEALED_MEMBER] as Partial<SealedPayload> | undefined;
  if (payload?.v !== 1 || typeof payload.kid !== 'string' || typeof payload.data !== 'string') return undefined;
  return payload as SealedPayload;
}

/** The original value; throws EVENT_INVALID when it does not open (tampered, or moved to another record). */
export function openValue(key: DataKey, recordId: string, payload: SealedPayload): unknown {
  try {
    return JSON.parse(open(key.key, Buffer.from(payload.data, 'base64'), aadOf(recordId, key.pivotId, key.id)).toString('utf8'));
  } catch (error) {
    throw new RelaisError('EVENT_INVALID', `sealed payload of ${recordId} does not open with key ${key.id}`, { cause: error });
  }
}

/** A change's data as the store keeps it: sealed with the citizen's key when keys are configured. */
export async function sealStoredData(
  keys: CitizenKeys | undefined,
  db: Queryable,
  record: { id: string; pivotId: string; type: string; data: unknown },
): Promise<unknown> {
  if (!keys) return record.data;
  const key = await keys.sealingKey(db, record.pivotId);
  return sealValue(key, record.id, record.data, clearPart(record.type, record.data));
}

/**
 * A stored change's data as a reader gets it: opened; after an erasure, its clear part with
 * `"relaisErased": true` in place of the sealed member (never an error). Data stored in clear, or
 * read by a process without keys, is returned as it is.
 */
export async function openStoredData(
  keys: CitizenKeys | undefined,
  db: Queryable,
  record: { id: string; data: unknown },
): Promise<unknown> {
  const payload = sealedPayloadOf(record.data);
  if (!payload || !keys) return record.data;
  const { [SEALED_MEMBER]: _sealed, ...clear } = record.data as Record<string, unknown>;
  const key = await keys.openingKey(db, payload.kid);
  if (!('key' in key)) return { ...clear, [ERASED_MEMBER]: true };
  return openValue(key, record.id, payload);
}
