import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEvent, encodeEvent, type CloudEvent } from './cloudevents.ts';
import { generateSigningKeyPem, signingKeyFromPem } from './signing.ts';
import { decodeCanonical, decodeDelivery, encodeCanonical, encodeDelivery, encodeReceipt, decodeReceipt } from './envelopes.ts';

const event: CloudEvent = {
  id: '3f1c2b7e-1d2a-4a8e-9c3b-2f6d1e0a9b11',
  source: '/relais/gateway',
  type: 'fr.relais.citizen.address.changed.v1',
  subject: '6f1c1a52-8a47-4c3e-9a43-5d8f1a0c2b11',
  time: '2026-11-23T10:00:00.000Z',
  dataschema: 'https://relais.example/schemas/events/fr.relais.citizen.address.changed.v1.json',
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  extensions: { relaischannel: 'web' },
  data: { effectiveDate: '2026-11-01' },
};

test('binary mode: attributes in ce_* headers, data as the JSON value, subject as the key', () => {
  const message = encodeEvent(event, 'relais.events');
  assert.equal(message.key, event.subject);
  assert.deepEqual(message.headers, {
    ce_specversion: '1.0',
    ce_id: event.id,
    ce_source: '/relais/gateway',
    ce_type: event.type,
    ce_subject: event.subject,
    ce_time: event.time,
    ce_dataschema: event.dataschema,
    'content-type': 'application/json',
    traceparent: event.traceparent,
    ce_relaischannel: 'web',
  });
  assert.deepEqual(JSON.parse(message.value.toString()), event.data);
  assert.deepEqual(decodeEvent(message), event);
});

test('decoding refuses what is not a CloudEvent 1.0 with JSON data', () => {
  const message = encodeEvent(event, 't');
  assert.throws(() => decodeEvent({ ...message, headers: { ...message.headers, ce_specversion: '0.3' } }), /specversion/);
  assert.throws(() => decodeEvent({ ...message, headers: { ...message.headers, ce_id: '' } }), /ce_id is missing/);
  assert.throws(() => decodeEvent({ ...message, value: Buffer.from('{') }), /not JSON/);
  assert.throws(() => encodeEvent({ ...event, extensions: { 'Bad-Name': 'x' } }, 't'), /extension name/);
});

test("canonical events carry channel, origin and the citizen's chosen recipients as extensions", () => {
  const message = encodeCanonical(
    {
      id: event.id,
      type: event.type,
      source: '/connectors/tax',
      pivotId: event.subject,
      time: event.time,
      data: {},
      channel: 'desk',
      origin: 'tax',
      recipients: ['waste', 'social-services'],
    },
    'relais.events',
  );
  assert.equal(message.headers['ce_relaisorigin'], 'tax');
  assert.equal(message.headers['ce_relaisrecipients'], 'waste,social-services');
  const decoded = decodeCanonical(message);
  assert.deepEqual(decoded.recipients, ['waste', 'social-services']);
  assert.equal(decoded.channel, 'desk');
});

test('deliveries and receipts round-trip and are checked against their envelope schemas', () => {
  const delivery = {
    eventId: event.id,
    type: event.type,
    pivotId: event.subject,
    system: 'social-services',
    routeId: 'r1',
    citizenId: 'SS-1',
    data: { a: 1 },
    time: event.time,
    seq: 42,
  };
  const encodedDelivery = encodeDelivery(delivery, 'relais.delivery.social-services');
  assert.equal(encodedDelivery.headers['ce_relaisseq'], '42', "the change's sequence travels as a CloudEvents extension");
  assert.deepEqual(decodeDelivery(encodedDelivery), { ...delivery, traceparent: undefined });
  // A delivery from before sequences, or a malformed one, reads as having none.
  const { seq: _none, ...unnumbered } = delivery;
  assert.equal(decodeDelivery(encodeDelivery(unnumbered, 't')).seq, undefined);
  assert.equal(decodeDelivery({ ...encodedDelivery, headers: { ...encodedDelivery.headers, ce_relaisseq: '-1' } }).seq, undefined);
  const receipt = { eventId: event.id, system: 'social-services', status: 'rejected' as const, reason: 'no', attempts: 1, at: event.time };
  const signer = signingKeyFromPem(generateSigningKeyPem(), 'social-services');
  const encoded = encodeReceipt(receipt, {
    pivotId: event.subject,
    source: '/connectors/social-services',
    topic: 'relais.receipts',
    signer,
  });
  assert.equal(encoded.headers['ce_id'], `${event.id}:social-services:rejected`);
  assert.deepEqual(decodeReceipt(encoded), { ...receipt, pivotId: event.subject });
  assert.throws(
    () => encodeReceipt({ ...receipt, status: 'lost' as 'applied' }, { pivotId: event.subject, source: 's', topic: 't', signer }),
    /receipt is invalid/,
  );
});
