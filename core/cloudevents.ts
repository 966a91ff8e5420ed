/**
 * CloudEvents 1.0 in Kafka binary mode: attributes travel as `ce_*` headers, the value is the
 * `data` JSON. Relais' own attributes are CloudEvents extensions (`ce_relais*`). The key of
 * every message is the subject, the pivot id, so one citizen's events stay in order.
 */
import { RelaisError } from './errors.ts';
import type { IncomingMessage, OutgoingMessage } from './bus/types.ts';

export interface CloudEvent<T = unknown> {
  id: string;
  source: string;
  type: string;
  /** The pivot id: never a name or a national number. */
  subject: string;
  time: string;
  dataschema?: string;
  traceparent?: string;
  /** Extension attributes: lowercase letters and digits only (CloudEvents naming rule). */
  extensions: Record<string, string>;
  data: T;
}

const CONTENT_TYPE = 'application/json';
const extensionName = /^[a-z0-9]{1,20}$/;
const standardAttributes = new Set(['specversion', 'id', 'source', 'type', 'subject', 'time', 'dataschema', 'datacontenttype']);

export function encodeEvent(event: CloudEvent, topic: string): OutgoingMessage {
  const headers: Record<string, string> = {
    ce_specversion: '1.0',
    ce_id: event.id,
    ce_source: event.source,
    ce_type: event.type,
    ce_subject: event.subject,
    ce_time: event.time,
    'content-type': CONTENT_TYPE,
  };
  if (event.dataschema) headers['ce_dataschema'] = event.dataschema;
  if (event.traceparent) headers['traceparent'] = event.traceparent;
  for (const [name, value] of Object.entries(event.extensions)) {
    if (!extensionName.test(name) || standardAttributes.has(name)) {
      throw new RelaisError('EVENT_INVALID', `"${name}" is not a valid CloudEvents extension name`);
    }
    headers[`ce_${name}`] = value;
  }
  return { topic, key: event.subject, value: Buffer.from(JSON.stringify(event.data)), headers };
}

function required(headers: Record<string, string>, name: string): string {
  const value = headers[name];
  if (value === undefined || value === '') {
    throw new RelaisError('EVENT_INVALID', `CloudEvents header ${name} is missing`);
  }
  return value;
}

export function decodeEvent(message: Pick<IncomingMessage, 'headers' | 'value'>): CloudEvent {
  const { headers } = message;
  if (headers['ce_specversion'] !== '1.0') {
    throw new RelaisError('EVENT_INVALID', `unsupported ce_specversion ${JSON.stringify(headers['ce_specversion'])}`);
  }
  const contentType = headers['content-type'];
  if (contentType !== undefined && !contentType.startsWith(CONTENT_TYPE)) {
    throw new RelaisError('EVENT_INVALID', `unsupported content-type ${contentType}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(message.value.toString('utf8'));
  } catch {
    // The parser's message quotes the value, which may hold personal data: do not chain it.
    throw new RelaisError('EVENT_INVALID', 'event value is not JSON');
  }
  const extensions: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('ce_')) continue;
    const attribute = name.slice(3);
    if (!standardAttributes.has(attribute)) extensions[attribute] = value;
  }
  const event: CloudEvent = {
    id: required(headers, 'ce_id'),
    source: required(headers, 'ce_source'),
    type: required(headers, 'ce_type'),
    subject: required(headers, 'ce_subject'),
    time: required(headers, 'ce_time'),
    extensions,
    data,
  };
  if (headers['ce_dataschema']) event.dataschema = headers['ce_dataschema'];
  if (headers['traceparent']) event.traceparent = headers['traceparent'];
  return event;
}
