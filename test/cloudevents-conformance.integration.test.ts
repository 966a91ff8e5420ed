/**
 * CloudEvents conformance on the real broker: one change of every catalogue type is posted to
 * the gateway; the events the outbox relay produced on relais.events are read back and decoded
 * with the official CloudEvents SDK's Kafka binding (binary mode). Every attribute must be
 * what Relais promises (docs/contracts.md), and what the SDK re-encodes must decode to the
 * same event — by the SDK, and by Relais after a trip through Kafka.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, type CloudEvent, type KafkaMessage } from 'cloudevents';
import type { IncomingMessage } from '../core/bus/types.ts';
import { decodeCanonical } from '../core/envelopes.ts';
import { CHANGE_SETTLED_V1, eventExamples, eventTypes, schemaIdOf, validateEventData } from '../schemas/index.ts';

/**
 * Every type a caller may post: Relais' own notice that a change has settled everywhere is
 * published by the gateway itself (privacy/settled-notice.ts) and refused at POST /v1/changes.
 */
const postable = (): string[] => eventTypes().filter((type) => type !== CHANGE_SETTLED_V1);
import { readTopic, testBus } from '@relais/connector-kit/testing';
import { devToken, startStack, type Stack } from './support/stack.ts';
import { join } from 'node:path';
import { CitizenKeys } from '../privacy/citizen-keys.ts';
import { readMasterKey } from '../privacy/master-key.ts';
import { ENCRYPTION_HEADER, ERASED, openMessages } from '../privacy/sealed-messages.ts';

const SUBMITTED = 'fr.relais.service-request.submitted.v1';

interface Posted {
  id: string;
  type: string;
  pivotId: string;
  acceptedAt: string;
  channel: string;
  /** What the data must be; a submitted service request's is built by the gateway (checked apart). */
  data?: unknown;
}

/** POST /v1/service-requests: the gateway creates the submitted event (id, competent service). */
async function submitServiceRequest(stack: Stack, channel: string): Promise<Posted> {
  await stack.link('social-services', 'SS-60099');
  const response = await fetch(`${stack.relais.gatewayUrl}/v1/service-requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${devToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      citizen: { system: 'social-services', id: 'SS-60099' },
      channel,
      category: 'waste.missed-collection',
      location: { communeInsee: '69383' },
    }),
  });
  assert.equal(response.status, 202, await response.clone().text());
  const { id } = (await response.json()) as { id: string };
  const change = await stack.getChange(id);
  return { ...(change as unknown as Posted), type: SUBMITTED, channel };
}

/** The SDK's view of a Relais message (binary mode: attributes in headers, data in the value). */
function sdkMessage(message: Pick<IncomingMessage, 'key' | 'value' | 'headers'>): KafkaMessage {
  return { key: message.key ?? '', value: message.value, body: message.value, headers: message.headers };
}

/** The SDK's binary encoding, as a Kafka client would send it (no undefined header, JSON value). */
function sdkEncode(event: CloudEvent<unknown>): { key: string; value: Buffer; headers: Record<string, string> } {
  const encoded = Kafka.binary(event);
  const headers = Object.fromEntries(
    Object.entries(encoded.headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
  return { key: String(encoded.key), value: Buffer.from(JSON.stringify(encoded.value)), headers };
}

describe('events on Kafka are CloudEvents 1.0 in binary mode, as the official SDK reads them', () => {
  let stack: Stack;
  const posted: Posted[] = [];
  let messages: IncomingMessage[] = [];

  before(async () => {
    stack = await startStack({ store: 'postgres', connectors: false, flows: ['social-services.yaml', 'waste-management.yaml'] });
    const channels = ['web', 'mobile', 'desk', 'mail', 'phone', 'email'];
    for (const [i, type] of postable().entries()) {
      if (type === SUBMITTED) {
        posted.push(await submitServiceRequest(stack, channels[i % channels.length]!));
        continue;
      }
      const data = eventExamples(type).valid[0];
      const channel = channels[i % channels.length]!;
      const response = await stack.postChange({ type, citizen: { system: 'social-services', id: `SS-6000${i}` }, channel, data });
      assert.equal(response.status, 202, type);
      const change = response.body as unknown as Posted;
      posted.push({ ...change, channel, data });
    }
    const ids = new Set(posted.map((p) => p.id));
    messages = (
      await readTopic(`${stack.prefix}.events`, (all) => [...ids].every((id) => all.some((m) => m.headers['ce_id'] === id)))
    ).filter((m) => ids.has(m.headers['ce_id'] ?? ''));
  });
  after(() => stack.stop());

  test('every attribute is what Relais promises, for every event type', async () => {
    assert.equal(messages.length, postable().length);
    // Personal data is sealed with the citizen's key (docs/contracts.md, "Encrypted payloads"):
    // the data is compared once opened, as the router opens it.
    const keys = new CitizenKeys(readMasterKey(join(stack.env['RELAIS_DATA_DIR']!, 'master.key')));
    const opened = await openMessages(keys, stack.relais.db, messages);
    for (const [i, message] of messages.entries()) {
      assert.equal(message.headers[ENCRYPTION_HEADER], 'aes-256-gcm');
      const readable = opened[i]!;
      assert.ok(readable !== ERASED);
      const data: unknown = JSON.parse(readable.value.toString('utf8'));
      const event = Kafka.toEvent(sdkMessage(message)) as CloudEvent<unknown>;
      const change = posted.find((p) => p.id === event.id)!;
      assert.ok(event.validate(), `${change.type} passes the SDK's validation`);
      assert.equal(event.specversion, '1.0');
      assert.equal(event.type, change.type);
      assert.equal(event.source, '/relais/gateway');
      assert.equal(event.subject, change.pivotId);
      assert.equal(event.partitionkey, change.pivotId, 'the Kafka key is the pivot id');
      assert.equal(event.time, change.acceptedAt);
      assert.equal(event.dataschema, schemaIdOf(change.type));
      assert.equal(event.datacontenttype, 'application/json');
      assert.equal(event['relaischannel'], change.channel);
      if (change.type === SUBMITTED) {
        assert.deepEqual(validateEventData(SUBMITTED, data), []);
        assert.deepEqual(
          [(data as { requestId: string }).requestId, (data as { competentService: string }).competentService],
          [change.id, 'waste-management'],
        );
      } else assert.deepEqual(data, change.data);
      assert.match(message.headers['traceparent'] ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    }
  });

  test("the SDK's re-encoding round-trips: same attributes through the SDK, and through Kafka to Relais' decoder", async () => {
    const reencoded = messages.map((message) => sdkEncode(Kafka.toEvent(sdkMessage(message)) as CloudEvent<unknown>));
    messages.forEach((message, i) => {
      const again = reencoded[i]!;
      assert.deepEqual(
        (Kafka.toEvent(sdkMessage(again)) as CloudEvent<unknown>).toJSON(),
        (Kafka.toEvent(sdkMessage(message)) as CloudEvent<unknown>).toJSON(),
      );
      for (const [name, value] of Object.entries(message.headers))
        if (name.startsWith('ce_') || name === 'content-type') assert.equal(again.headers[name], value, name);
      assert.equal(again.key, message.key);
    });

    const topic = `${stack.prefix}.sdk-roundtrip`;
    const bus = testBus(undefined, 'sdk-roundtrip');
    await bus.ensureTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    await bus.publish(reencoded.map((m) => ({ topic, ...m })));
    await bus.close();
    const back = await readTopic(topic, (all) => all.length >= reencoded.length);
    // W3C traceparent is a Kafka header beside the CloudEvent, not one of its attributes: the
    // SDK does not carry it, everything else must come back the same.
    const withoutTrace = (m: Pick<IncomingMessage, 'headers' | 'value'>) => ({ ...decodeCanonical(m), traceparent: undefined });
    const byId = new Map(messages.map((m) => [m.headers['ce_id'], withoutTrace(m)]));
    assert.equal(back.length, messages.length);
    for (const message of back) {
      const decoded = withoutTrace(message);
      assert.deepEqual(decoded, byId.get(decoded.id));
    }
  });
});
