/**
 * The AsyncAPI 3.0 description of the bus, generated from the event catalogue (schemas/) and
 * the flows: one channel per topic, one message per event type with its CloudEvents Kafka
 * headers, one delivery message per route target. `npm run gen` writes it to
 * docs/asyncapi.yaml from flows/; the gateway serves the one of its own flows at
 * GET /asyncapi.yaml. Schemas are inlined under components.schemas (AsyncAPI's default schema
 * format is JSON Schema draft 7, which has no `$defs`), their `$ref`s rewritten to point there.
 */
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { Flows } from '../core/flows/flows.ts';
import { subscribedSystems } from '../core/flows/plan.ts';
import { topicNames } from '../core/topics.ts';
import { RECEIPT_SIGNATURE_HEADER, RECEIPT_TYPE } from '../core/envelopes.ts';
import { ceHeaders, dlqHeaders, sourceDlqHeaders } from './asyncapi-headers.ts';
import { eventSchema, eventTypes } from '../schemas/index.ts';

type Node = Record<string, unknown>;

const schemasDir = new URL('../schemas/', import.meta.url);
const readJson = (path: string): Node => JSON.parse(readFileSync(new URL(path, schemasDir), 'utf8')) as Node;

/** `../defs/common.json#/$defs/address` (or `#/$defs/address` inside defs) → a components ref. */
function inline(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(inline);
  if (node === null || typeof node !== 'object') return node;
  const out: Node = {};
  for (const [keyword, value] of Object.entries(node as Node)) {
    if (keyword === '$id' || keyword === '$schema') continue;
    out[keyword] =
      keyword === '$ref' && typeof value === 'string'
        ? value.replace(/^(\.\.\/defs\/common\.json)?#\/\$defs\//, '#/components/schemas/')
        : inline(value);
  }
  return out;
}

const ref = (path: string): Node => ({ $ref: path });
const pivotKey = {
  bindings: {
    kafka: {
      key: { type: 'string', format: 'uuid', description: 'The pivot id: one citizen stays in one partition, in order.' },
      bindingVersion: '0.5.0',
    },
  },
};

function eventMessage(type: string): Node {
  const schema = eventSchema(type)!;
  const examples = Array.isArray(schema['examples']) ? (schema['examples'] as unknown[]) : [];
  return {
    name: type,
    title: schema['title'],
    summary: schema['description'],
    contentType: 'application/json',
    headers: ceHeaders({ ce_type: { const: type }, ce_dataschema: { const: schema.$id } }, ['ce_dataschema']),
    payload: ref(`#/components/schemas/${type}`),
    ...pivotKey,
    examples: examples.map((payload, i) => ({ name: `example-${i + 1}`, payload })),
  };
}

function deliveryMessages(flows: Flows, system: string): Record<string, Node> {
  const messages: Record<string, Node> = {};
  for (const route of flows.routes) {
    for (const target of route.to.filter((t) => t.system === system)) {
      messages[route.event] = {
        name: route.event,
        title: `${route.event} for ${system}`,
        summary: `Route ${route.id} (${route.basis.kind}: ${route.basis.reference}).${route.description ? ` ${route.description}` : ''}`,
        contentType: 'application/json',
        headers: ceHeaders({ ce_type: { const: route.event }, ce_relaissystem: { const: system }, ce_relaisroute: { const: route.id } }, [
          'ce_relaissystem',
          'ce_relaisroute',
        ]),
        payload: {
          type: 'object',
          required: ['citizenId', 'data'],
          properties: {
            citizenId: { type: 'string', description: `${system}'s own identifier of the citizen.`, 'x-relais-pii': 'identity' },
            data: {
              type: 'object',
              description: `The ${route.event} data (#/components/schemas/${route.event}) projected onto the route's fields; any of them may be absent.`,
              'x-relais-fields': target.fields,
            },
          },
        },
        ...pivotKey,
      };
    }
  }
  return messages;
}

const channelRef = (channel: string, message: string): Node => ref(`#/channels/${channel}/messages/${message}`);

function operation(action: 'send' | 'receive', channel: string, messages: string[], summary: string): Node {
  return { action, channel: ref(`#/channels/${channel}`), summary, messages: messages.map((m) => channelRef(channel, m)) };
}

/** Channels (topics) and who sends or receives on them. */
function channelsAndOperations(flows: Flows, types: string[]): { channels: Record<string, Node>; operations: Record<string, Node> } {
  const topics = topicNames('relais');
  const eventRefs = Object.fromEntries(types.map((t) => [t, ref(`#/components/messages/${t}`)]));
  const channels: Record<string, Node> = {
    events: {
      address: topics.events,
      title: 'Canonical events',
      description: 'Every canonical event, from the gateway (outbox relay) and the source connectors; read by the router.',
      messages: eventRefs,
    },
    receipts: {
      address: topics.receipts,
      title: 'Receipts',
      description: 'What happened to an event in one system (delivered, applied, rejected, dead_lettered); read by the gateway.',
      messages: { receipt: ref('#/components/messages/receipt') },
    },
    'dlq.router': {
      address: topics.routerDlq,
      title: 'Router dead letters',
      description: 'Events the router could not route (not CloudEvents, or breaking their schema), unchanged, with the error headers.',
      messages: { deadLetter: ref('#/components/messages/routerDeadLetter') },
    },
    'dlq.source': {
      address: `${topics.sourceDlq('{system}')}`,
      title: 'Source dead letters',
      description:
        "Records a system's source read but could not publish (mapping failed, or the event breaks its schema), with the raw record and the cause; re-driven by `relais dlq replay <system> --source`. Personal data: as sensitive as the silo.",
      parameters: { system: { description: 'A system declared in the flows whose connector has a source.' } },
      messages: { sourceDeadLetter: ref('#/components/messages/sourceDeadLetter') },
    },
  };
  const operations: Record<string, Node> = {
    publishEvents: operation('send', 'events', types, 'The gateway and the source connectors publish canonical events.'),
    routeEvents: operation('receive', 'events', types, 'The router reads canonical events.'),
    sendReceipts: operation('send', 'receipts', ['receipt'], 'The router and the sink connectors send receipts.'),
    trackReceipts: operation('receive', 'receipts', ['receipt'], "The gateway keeps each change's per-system status from receipts."),
    deadLetterEvents: operation('send', 'dlq.router', ['deadLetter'], 'The router dead-letters events it cannot route.'),
    deadLetterSourceRecords: operation(
      'send',
      'dlq.source',
      ['sourceDeadLetter'],
      'The source runtime dead-letters the records it cannot publish, before it saves the checkpoint that moves past them.',
    ),
  };
  for (const system of subscribedSystems(flows)) {
    const messages = deliveryMessages(flows, system);
    const deliveryChannel = `delivery.${system}`;
    const dlqChannel = `dlq.${system}`;
    channels[deliveryChannel] = {
      address: topics.delivery(system),
      title: `Deliveries to ${system}`,
      description: `What ${system} receives: its identifier of the citizen and only the fields its routes allow.`,
      messages,
    };
    channels[dlqChannel] = {
      address: topics.dlq(system),
      title: `${system} dead letters`,
      description: `Deliveries ${system} could not apply after bounded retries, unchanged, with the error headers.`,
      messages: { deadLetter: ref('#/components/messages/deliveryDeadLetter') },
    };
    const names = Object.keys(messages);
    operations[`deliverTo.${system}`] = operation('send', deliveryChannel, names, `The router delivers to ${system}.`);
    operations[`apply.${system}`] = operation('receive', deliveryChannel, names, `The ${system} connector applies deliveries to its silo.`);
    operations[`deadLetter.${system}`] = operation(
      'send',
      dlqChannel,
      ['deadLetter'],
      `The sink runtime dead-letters what ${system} could not apply.`,
    );
  }
  return { channels, operations };
}

function components(types: string[]): Node {
  const defs = readJson('defs/common.json')['$defs'] as Record<string, unknown>;
  return {
    schemas: {
      ...(inline(defs) as Node),
      ...Object.fromEntries(types.map((t) => [t, inline(eventSchema(t))])),
      delivery: inline(readJson('envelopes/delivery.v1.json')),
      receipt: inline(readJson('envelopes/receipt.v1.json')),
    },
    messages: {
      ...Object.fromEntries(types.map((t) => [t, eventMessage(t)])),
      receipt: {
        name: RECEIPT_TYPE,
        title: 'Receipt',
        contentType: 'application/json',
        headers: ceHeaders(
          {
            ce_type: { const: RECEIPT_TYPE },
            [RECEIPT_SIGNATURE_HEADER]: {
              type: 'string',
              description:
                "Detached compact JWS (EdDSA, RFC 7515 appendix F) over the message value, by the signer's key published at /.well-known/jwks.json: the system's own, or the router's for delivered and identifier rejections. The gateway refuses a receipt without a valid one.",
            },
          },
          [RECEIPT_SIGNATURE_HEADER],
        ),
        payload: ref('#/components/schemas/receipt'),
        ...pivotKey,
      },
      routerDeadLetter: {
        name: 'router-dead-letter',
        title: 'An event the router could not route',
        contentType: 'application/json',
        headers: dlqHeaders,
        payload: { description: 'The original message value, unchanged (it may not even be JSON).' },
      },
      sourceDeadLetter: {
        name: 'source-dead-letter',
        title: 'A record a source could not publish',
        contentType: 'application/json',
        headers: sourceDlqHeaders,
        payload: {
          type: 'object',
          required: ['system', 'recordKey', 'type', 'raw', 'event', 'cause', 'checkpoint', 'attempts', 'failedAt'],
          properties: {
            system: { type: 'string' },
            recordKey: { type: 'string', description: "The silo's key of the record (the event id derives from it)." },
            type: { type: ['string', 'null'], description: 'The event type, when mapped.' },
            raw: { description: 'The record as the connector read it (personal data), or null when it gave none.' },
            event: { type: ['object', 'null'], description: 'The event as handed over, only when no raw record was given.' },
            cause: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } },
            checkpoint: { type: ['string', 'null'] },
            attempts: { type: 'integer', minimum: 1 },
            failedAt: { type: 'string', format: 'date-time' },
          },
        },
        bindings: { kafka: { key: { type: 'string', format: 'uuid', description: 'The would-be event id.' } } },
      },
      deliveryDeadLetter: {
        name: 'delivery-dead-letter',
        title: 'A delivery that could not be applied',
        contentType: 'application/json',
        headers: dlqHeaders,
        payload: ref('#/components/schemas/delivery'),
        ...pivotKey,
      },
    },
  };
}

/** The AsyncAPI document for these flows (topic names with the default `relais` prefix). */
export function asyncApiDocument(flows: Flows, version: string): Node {
  const types = eventTypes().sort();
  const { channels, operations } = channelsAndOperations(flows, types);
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Relais event bus',
      version,
      description:
        'Topics, messages and headers of Relais (docs/contracts.md, docs/events.md). Generated from schemas/ and flows/ by `npm run gen`; do not edit. Topic names use the default prefix `relais` (RELAIS_TOPIC_PREFIX). Every message is a CloudEvent 1.0 in Kafka binary mode: attributes in `ce_*` headers, the data as the JSON value, the pivot id as the key.',
      license: { name: 'EUPL-1.2' },
    },
    defaultContentType: 'application/json',
    servers: { local: { host: '127.0.0.1:9092', protocol: 'kafka', description: "The quick start's broker (KAFKA_BROKERS elsewhere)." } },
    channels,
    operations,
    components: components(types),
  };
}

/** The version of Relais (package.json): the document's version. */
export function relaisVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

export function asyncApiYaml(flows: Flows, version = relaisVersion()): string {
  return stringify(asyncApiDocument(flows, version), { lineWidth: 0, aliasDuplicateObjects: false });
}
