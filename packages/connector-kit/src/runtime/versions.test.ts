/**
 * declaredVersions (versions.ts) reads from a delivery's headers what decodeDelivery reads from
 * the whole message, so the applied versions can be read before a sealed message is opened.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDelivery, encodeDelivery, type Delivery } from '../../../../core/envelopes.ts';
import { declaredVersions } from './versions.ts';

const delivery: Delivery = {
  eventId: '0b6f9f5e-3c1a-4c1e-9d6e-6f1a2b3c4d5e',
  type: 'fr.relais.citizen.address.changed.v1',
  pivotId: '6f1c1a52-8a47-4c3e-9a43-5d8f1a0c2b11',
  system: 'social-services',
  routeId: 'address-to-social-services',
  citizenId: 'SS-000123',
  data: { address: { streetName: 'rue T' } },
  time: '2026-12-07T04:00:00.000Z',
  seq: 7,
};

test('the headers declare the version decodeDelivery finds', () => {
  const message = { ...encodeDelivery(delivery, 'relais.delivery.social-services'), topic: 't', partition: 0, offset: '0' };
  const decoded = decodeDelivery(message);
  assert.deepEqual(declaredVersions([message]), [{ pivotId: decoded.pivotId, type: decoded.type, seq: decoded.seq }]);
});

test('no sequence reads as none; a subject that is not a pivot id declares nothing', () => {
  const { seq: _none, ...unnumbered } = delivery;
  const message = encodeDelivery(unnumbered, 't');
  assert.deepEqual(declaredVersions([message]), [{ pivotId: delivery.pivotId, type: delivery.type, seq: undefined }]);
  assert.deepEqual(declaredVersions([{ headers: { ...message.headers, ce_subject: "x'; DROP TABLE sink_versions" } }]), []);
  assert.deepEqual(declaredVersions([{ headers: {} }]), []);
});
