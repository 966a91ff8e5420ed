/**
 * The Kafka headers of Relais messages as JSON Schemas for the AsyncAPI document: the
 * CloudEvents 1.0 Kafka binary-mode attributes (core/cloudevents.ts), Relais' extensions
 * (core/envelopes.ts) and the dead-letter headers (docs/contracts.md).
 */
import { extensions } from '../core/envelopes.ts';

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
};

const requiredHeaders = ['ce_specversion', 'ce_id', 'ce_source', 'ce_type', 'ce_subject', 'ce_time', 'content-type'];

/** CloudEvents headers with some pinned (`ce_type` to the message's type…) and more required. */
export function ceHeaders(pinned: Record<string, Node>, required: string[]): Node {
  const properties: Record<string, Node> = {};
  for (const [name, schema] of Object.entries(cloudEventsHeaders)) properties[name] = { ...schema, ...(pinned[name] ?? {}) };
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
  },
};
