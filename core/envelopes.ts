/**
 * The three message kinds on the bus, built on the CloudEvents codec: canonical events
 * (<prefix>.events), deliveries (<prefix>.delivery.<system>) and receipts (<prefix>.receipts).
 * Relais' own attributes are CloudEvents extensions, named here once.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, OutgoingMessage } from './bus/types.ts';
import { decodeEvent, encodeEvent, type CloudEvent } from './cloudevents.ts';
import { RelaisError } from './errors.ts';
import { isUuid } from './ids.ts';
import { canonicalJson } from './canonical-json.ts';
import { sha256Hex, signJws, type SigningKey } from './signing.ts';
import { createAjv, toIssues } from '../schemas/validation.ts';

export const extensions = {
  /** Channel the citizen used: web, mobile, desk, mail, phone, email (events, and their deliveries). */
  channel: 'relaischannel',
  /** System the event came from; the router never sends it back there. */
  origin: 'relaisorigin',
  /** Comma-separated systems the citizen chose (citizen-request basis). */
  recipients: 'relaisrecipients',
  /** Recipient system of a delivery. */
  system: 'relaissystem',
  /** Flow route that produced a delivery. */
  route: 'relaisroute',
  /**
   * The change's sequence among the citizen's changes (a decimal integer, assigned at
   * acceptance): events and deliveries. The sink runtime never applies a delivery older than
   * the newest of the same kind already applied in its system (docs/contracts.md).
   */
  seq: 'relaisseq',
  /**
   * The citizen's registered date of death (YYYY-MM-DD), on a delivery about a deceased citizen
   * (identity/life-state.ts): a connector never writes to the deceased's own address.
   */
  deceased: 'relaisdeceased',
} as const;

/**
 * The kind of data a change replaces in a silo, for the stale-write check: the type without its
 * version for the citizen's own data (fr.relais.citizen.address.changed), so a v2 event
 * supersedes a v1 of the same kind; undefined for events that replace nothing of the citizen's
 * (service requests: each request is its own record), which are never superseded.
 */
export function dataKindOf(type: string): string | undefined {
  return type.startsWith('fr.relais.citizen.') ? type.replace(/\.v\d+$/, '') : undefined;
}

function seqHeader(seq: number | undefined): Record<string, string> {
  return seq === undefined ? {} : { [extensions.seq]: String(seq) };
}

/** A sequence from its header; absent or malformed (a message from before sequences) reads as none. */
export function seqOf(value: string | undefined): number | undefined {
  return value !== undefined && /^[1-9][0-9]{0,15}$/.test(value) ? Number(value) : undefined;
}

export const RECEIPT_TYPE = 'fr.relais.receipt.v1';

/**
 * The Kafka header of a receipt's signature: a detached compact JWS (EdDSA) over the message
 * value, by the key of the system the receipt speaks for (or the router's); the gateway refuses
 * a receipt without a valid one (gateway/receipt-signatures.ts).
 */
export const RECEIPT_SIGNATURE_HEADER = 'relais_signature';

/** Who may sign a receipt: the system it speaks for, or the router for what it says (delivered, rejected for want of an identifier, objected). */
export function maySignReceipt(signer: string, receipt: Pick<Receipt, 'system' | 'status'>): boolean {
  return signer === receipt.system || (signer === 'router' && ['delivered', 'rejected', 'objected'].includes(receipt.status));
}

const envelopesDir = join(dirname(fileURLToPath(import.meta.url)), '../schemas/envelopes');
const ajv = createAjv();
const validateDelivery = ajv.compile(JSON.parse(readFileSync(join(envelopesDir, 'delivery.v1.json'), 'utf8')) as object);
const validateReceipt = ajv.compile(JSON.parse(readFileSync(join(envelopesDir, 'receipt.v1.json'), 'utf8')) as object);

function checked<T>(validate: typeof validateDelivery, value: unknown, what: string): T {
  if (!validate(value)) {
    const issues = toIssues(validate.errors).map((i) => `${i.field} ${i.message}`);
    throw new RelaisError('EVENT_INVALID', `${what} is invalid: ${issues.join('; ')}`);
  }
  return value as T;
}

/** A canonical event as the router reads it. */
export interface CanonicalEvent {
  id: string;
  type: string;
  source: string;
  pivotId: string;
  time: string;
  data: unknown;
  dataschema?: string | undefined;
  traceparent?: string | undefined;
  channel?: string | undefined;
  origin?: string | undefined;
  recipients?: string[] | undefined;
  /** The change's sequence among the citizen's changes (absent on events from before sequences). */
  seq?: number | undefined;
}

export function encodeCanonical(event: CanonicalEvent, topic: string): OutgoingMessage {
  const ext: Record<string, string> = seqHeader(event.seq);
  if (event.channel) ext[extensions.channel] = event.channel;
  if (event.origin) ext[extensions.origin] = event.origin;
  if (event.recipients?.length) ext[extensions.recipients] = event.recipients.join(',');
  const cloudEvent: CloudEvent = {
    id: event.id,
    source: event.source,
    type: event.type,
    subject: event.pivotId,
    time: event.time,
    extensions: ext,
    data: event.data,
  };
  if (event.dataschema) cloudEvent.dataschema = event.dataschema;
  if (event.traceparent) cloudEvent.traceparent = event.traceparent;
  return encodeEvent(cloudEvent, topic);
}

/** Relais' ids are UUIDs end to end; anything else is poison, never retried. */
function requireUuids(event: CloudEvent, what: string): void {
  if (!isUuid(event.id)) throw new RelaisError('EVENT_INVALID', `${what}: ce_id is not a UUID`);
  if (!isUuid(event.subject)) throw new RelaisError('EVENT_INVALID', `${what}: ce_subject is not a pivot id (UUID)`);
}

export function decodeCanonical(message: Pick<IncomingMessage, 'headers' | 'value'>): CanonicalEvent {
  const event = decodeEvent(message);
  requireUuids(event, 'event');
  const recipients = event.extensions[extensions.recipients];
  return {
    id: event.id,
    type: event.type,
    source: event.source,
    pivotId: event.subject,
    time: event.time,
    data: event.data,
    dataschema: event.dataschema,
    traceparent: event.traceparent,
    channel: event.extensions[extensions.channel],
    origin: event.extensions[extensions.origin],
    recipients: recipients ? recipients.split(',').filter(Boolean) : undefined,
    seq: seqOf(event.extensions[extensions.seq]),
    ...(event.extensions[extensions.deceased] ? { citizenDeceasedOn: event.extensions[extensions.deceased] } : {}),
    ...(event.extensions[extensions.channel] ? { channel: event.extensions[extensions.channel] } : {}),
  };
}

/** Whom a delivery about a deceased citizen is for, when its route writes to their family contact (relationship as declared). */
export type DeliveryFamilyContact = { name: string; relationship: string; language: 'fr' | 'en' };

/** What a sink connector is handed: one event, for one system, minimised. */
export interface Delivery {
  /** The event id: the idempotency key of the apply. */
  eventId: string;
  type: string;
  pivotId: string;
  system: string;
  routeId: string;
  /** The recipient system's own identifier of the citizen; with `familyContact`, the contact's (their address, for email). */
  citizenId: string;
  /** Only on a deceased citizen's delivery whose route says `onDeath: family-contact`: write to this person, never the deceased. */
  familyContact?: DeliveryFamilyContact | undefined;
  /** Only the fields the route allows this system. */
  data: Record<string, unknown>;
  time: string;
  traceparent?: string | undefined;
  /** The change's sequence among the citizen's changes (see extensions.seq). */
  seq?: number | undefined;
  /** The citizen's registered date of death, when one is (see extensions.deceased). */
  citizenDeceasedOn?: string | undefined;
  /** The channel the citizen told Relais through (see extensions.channel), for silos that record it. */
  channel?: string | undefined;
}

export function encodeDelivery(delivery: Delivery, topic: string, source = '/relais/router'): OutgoingMessage {
  const cloudEvent: CloudEvent = {
    id: delivery.eventId,
    source,
    type: delivery.type,
    subject: delivery.pivotId,
    time: delivery.time,
    extensions: {
      [extensions.system]: delivery.system,
      [extensions.route]: delivery.routeId,
      ...seqHeader(delivery.seq),
      ...(delivery.citizenDeceasedOn ? { [extensions.deceased]: delivery.citizenDeceasedOn } : {}),
      ...(delivery.channel ? { [extensions.channel]: delivery.channel } : {}),
    },
    data: checkedDeliveryValue({
      citizenId: delivery.citizenId,
      data: delivery.data,
      ...(delivery.familyContact && { familyContact: delivery.familyContact }),
    }),
  };
  if (delivery.traceparent) cloudEvent.traceparent = delivery.traceparent;
  return encodeEvent(cloudEvent, topic);
}

function checkedDeliveryValue(value: unknown): Pick<Delivery, 'citizenId' | 'data' | 'familyContact'> {
  return checked(validateDelivery, value, 'delivery');
}

export function decodeDelivery(message: Pick<IncomingMessage, 'headers' | 'value'>): Delivery {
  const event = decodeEvent(message);
  requireUuids(event, 'delivery');
  const value = checkedDeliveryValue(event.data);
  const system = event.extensions[extensions.system];
  if (!system) throw new RelaisError('EVENT_INVALID', `delivery has no ce_${extensions.system} header`);
  return {
    eventId: event.id,
    type: event.type,
    pivotId: event.subject,
    system,
    routeId: event.extensions[extensions.route] ?? '',
    citizenId: value.citizenId,
    ...(value.familyContact ? { familyContact: value.familyContact } : {}),
    data: value.data,
    time: event.time,
    traceparent: event.traceparent,
    seq: seqOf(event.extensions[extensions.seq]),
    ...(event.extensions[extensions.deceased] ? { citizenDeceasedOn: event.extensions[extensions.deceased] } : {}),
    ...(event.extensions[extensions.channel] ? { channel: event.extensions[extensions.channel] } : {}),
  };
}

export type ReceiptStatus = 'delivered' | 'unknown' | 'applied' | 'rejected' | 'superseded' | 'dead_lettered' | 'objected';

export interface Receipt {
  eventId: string;
  system: string;
  status: ReceiptStatus;
  reason?: string | undefined;
  attempts?: number | undefined;
  at: string;
  /** What was handed over (the router's `delivered`) or applied (the connector's): the route… */
  route?: string | undefined;
  /** …the route's legal basis (router)… */
  legalBasis?: string | undefined;
  /** …the names of the fields delivered, never their values (router)… */
  fields?: string[] | undefined;
  /** …and sha256 (hex) of the delivered data's canonical JSON, which router and connector both sign. */
  dataDigest?: string | undefined;
}

/** What a receipt says about the data delivered: its fields' dotted names and its digest (never the values). */
export function deliveredData(data: unknown): { fields: string[]; dataDigest: string } {
  const fields: string[] = [];
  const walk = (value: unknown, path: string): void => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value)) walk(inner, path ? `${path}.${key}` : key);
    } else if (path) fields.push(path);
  };
  walk(data, '');
  return { fields: fields.sort(), dataDigest: sha256Hex(canonicalJson(data)) };
}

export function encodeReceipt(
  receipt: Receipt,
  context: { pivotId: string; source: string; topic: string; traceparent?: string | undefined; signer: SigningKey },
): OutgoingMessage {
  const data: Receipt = { eventId: receipt.eventId, system: receipt.system, status: receipt.status, at: receipt.at };
  if (receipt.reason !== undefined) data.reason = receipt.reason.slice(0, 2000);
  if (receipt.attempts !== undefined) data.attempts = receipt.attempts;
  for (const member of ['route', 'legalBasis', 'fields', 'dataDigest'] as const) {
    if (receipt[member] !== undefined) Object.assign(data, { [member]: receipt[member] });
  }
  const cloudEvent: CloudEvent = {
    // One receipt per (event, system, status): a replayed receipt keeps its id.
    id: `${receipt.eventId}:${receipt.system}:${receipt.status}`,
    source: context.source,
    type: RECEIPT_TYPE,
    subject: context.pivotId,
    time: receipt.at,
    extensions: {},
    data: checked(validateReceipt, data, 'receipt'),
  };
  if (context.traceparent) cloudEvent.traceparent = context.traceparent;
  const message = encodeEvent(cloudEvent, context.topic);
  message.headers[RECEIPT_SIGNATURE_HEADER] = signJws(context.signer, message.value, { detached: true });
  return message;
}

export function decodeReceipt(message: Pick<IncomingMessage, 'headers' | 'value'>): Receipt & { pivotId: string } {
  const event = decodeEvent(message);
  if (event.type !== RECEIPT_TYPE) throw new RelaisError('EVENT_INVALID', `unexpected receipt type ${event.type}`);
  const receipt = checked<Receipt>(validateReceipt, event.data, 'receipt');
  if (!isUuid(receipt.eventId) || !isUuid(event.subject))
    throw new RelaisError('EVENT_INVALID', 'receipt: eventId or ce_subject is not a UUID');
  return { ...receipt, pivotId: event.subject };
}
