/**
 * The Kafka headers of Relais messages as JSON Schemas for the AsyncAPI document: the
 * CloudEvents 1.0 Kafka binary-mode attributes (core/cloudevents.ts), Relais' extensions
 * (core/envelopes.ts) and the dead-letter headers (docs/contracts.md).
 */
import { extensions } from '../core/envelopes.ts';
import { ENCRYPTION_ALGORITHM, ENCRYPTION_HEADER, KEY_ID_HEADER } from '../privacy/sealed-messages.ts';

type Node = Record<string, unknown>;

const cloudEventsHeaders: Record<string, Node> = {
  ce_specversion: { type: 'string', const: '1.0', description: 'CloudEvents spec version.' },
  ce_id: { type: 'string', description: "Event id (UUID); the sinks' idempotency key. On a receipt: <event id>:<system>:<status>." },
  ce_source: { type: 'string', description: '/relais/gateway, /relais/router or /connectors/<system>.' },
  ce_type: { type: 'string', description: 'The event type, versioned (fr.relais.citizen.address.changed.v1), or fr.relais.receipt.v1.' },
  ce_subject: { type: 'string', format: 'uuid', description: 'The pivot id; never a name or a national number.' },
  ce_time: { type: 'string', format: 'date-time', description: 'RFC 3339 time of the event (acceptance time for gateway changes).' },
  ce_dataschema: { type: 'string', format: 'uri', description: "The $id of the data's JSON Schema (events only)." },
  'content-type': { type: 'string', const: 'application/json', description: 'CloudEvents datacontenttype in Kafka binary mode.' },
  traceparent: { type: 'string', description: 'W3C Trace Context, continued through every hop.' },
  [`ce_${extensions.channel}`]: {
    type: 'string',
    enum: ['web', 'mobile', 'desk', 'mail', 'phone', 'email'],
    description: 'Channel the citizen used (events).',
  },
  [`ce_${extensions.origin}`]: {
    type: 'string',
    description: 'The system the event came from; the router never delivers it there (events).',
  },
  [`ce_${extensions.recipients}`]: { type: 'string', description: 'Comma-separated systems the citizen chose (citizen-request routes).' },
  [`ce_${extensions.system}`]: { type: 'string', description: 'The recipient system (deliveries).' },
  [`ce_${extensions.route}`]: { type: 'string', description: 'The flow route that produced the delivery (deliveries).' },
  [`ce_${extensions.seq}`]: {
    type: 'string',
    pattern: '^[1-9][0-9]{0,15}$',
    description:
      "The change's number among the citizen's changes, assigned at acceptance (events and deliveries); a sink never applies a delivery older than one of the same kind it applied (docs/contracts.md).",
  },
  [`ce_${extensions.deceased}`]: {
    type: 'string',
    format: 'date',
    description:
      "The citizen's registered date of death (deliveries about a deceased citizen): a connector never writes to the deceased's own address (docs/contracts.md).",
  },
  [ENCRYPTION_HEADER]: {
    type: 'string',
    const: ENCRYPTION_ALGORITHM,
    description:
      'The value is sealed with the citizen\'s data key (events and deliveries): the fields labelled `none` in clear, the whole original value in `relaisSealed` (docs/contracts.md, "Encrypted payloads").',
  },
  [KEY_ID_HEADER]: {
    type: 'string',
    format: 'uuid',
    description: "The citizen's data key that sealed the value; once the citizen is erased it opens nothing (docs/privacy.md).",
  },
};

const requiredHeaders = ['ce_specversion', 'ce_id', 'ce_source', 'ce_type', 'ce_subject', 'ce_time', 'content-type'];

/** CloudEvents headers with some pinned (`ce_type` to the message's type…) and more required. */
export function ceHeaders(pinned: Record<string, Node>, required: string[]): Node {
  const properties: Record<string, Node> = {};
  for (const [name, schema] of Object.entries(cloudEventsHeaders)) properties[name] = { ...schema, ...(pinned[name] ?? {}) };
  for (const [name, schema] of Object.entries(pinned)) properties[name] ??= schema;
  return { type: 'object', required: [...requiredHeaders, ...required], properties };
}

export const dlqHeaders: Node = {
  type: 'object',
  description: "The original message's headers, unchanged, plus these.",
  required: [
    'relais_error_code',
    'relais_error_message',
    'relais_failed_at',
    'relais_source_topic',
    'relais_source_partition',
    'relais_source_offset',
  ],
  properties: {
    relais_error_code: { type: 'string', description: 'A code of docs/errors.md (core/errors.ts), or UNKNOWN.' },
    relais_error_message: { type: 'string', description: 'What failed; never personal data.' },
    relais_error_retriable: { type: 'string', enum: ['true', 'false'] },
    relais_attempts: { type: 'string', description: 'How many times the sink tried.' },
    relais_failed_at: { type: 'string', format: 'date-time' },
    relais_source_topic: { type: 'string' },
    relais_source_partition: { type: 'string' },
    relais_source_offset: { type: 'string' },
    relais_poison: {
      type: 'string',
      const: 'true',
      description:
        'The message is not a delivery (not JSON, invalid UTF-8, not a valid envelope): listed as poison, not replayable as it is.',
    },
  },
};

/** Headers of a source dead letter (packages/connector-kit/src/runtime/source-dead-letter-message.ts): no original message to copy. */
export const sourceDlqHeaders: Node = {
  type: 'object',
  required: ['ce_id', 'relais_kind', 'relais_system', 'relais_error_code', 'relais_error_message', 'relais_failed_at'],
  properties: {
    'content-type': { type: 'string', const: 'application/json' },
    ce_id: { type: 'string', format: 'uuid', description: 'The id the event will have once published: a UUID v5 of (system, recordKey).' },
    ce_type: { type: 'string', description: 'The event type, when the record was mapped (its event broke the schema).' },
    relais_kind: { type: 'string', const: 'source' },
    relais_system: { type: 'string', description: 'The system whose source read the record.' },
    relais_error_code: { type: 'string', const: 'EVENT_INVALID' },
    relais_error_message: { type: 'string', description: 'The cause: the fields at fault, or the mapping error; never personal data.' },
    relais_error_retriable: { type: 'string', const: 'false' },
    relais_attempts: { type: 'string', description: '1, and one more for each re-drive that failed again.' },
    relais_failed_at: { type: 'string', format: 'date-time' },
    relais_source_checkpoint: {
      type: 'string',
      description: 'The checkpoint of the poll that read the record (the source moved past it).',
    },
  },
};
