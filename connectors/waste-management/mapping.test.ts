/** The vendor's incident from a service request (mapping.ts): pure, no database. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toIncident, vendorChannels } from './mapping.ts';

const request = { requestId: 'SR-1', category: 'waste.missed-collection', submittedAt: '2026-11-06T08:30:00Z' };

test("the incident's canal is the request's channel, through the vendor's table; online or unknown reads as PORTAIL", () => {
  const canal = (channel?: string) => toIncident(request, '2026-11-06T08:30:00Z', channel).incident.canal;
  assert.deepEqual(
    ['web', 'mobile', 'desk', 'phone', 'mail', 'email'].map((c) => [c, canal(c)]),
    [
      ['web', 'PORTAIL'],
      ['mobile', 'PORTAIL'],
      ['desk', 'GUICHET'],
      ['phone', 'TELEPHONE'],
      ['mail', 'COURRIER'],
      ['email', 'COURRIER'],
    ],
  );
  assert.equal(canal(undefined), 'PORTAIL');
  assert.equal(canal('pigeon'), 'PORTAIL');
  assert.ok(Object.values(vendorChannels).every((v) => ['GUICHET', 'TELEPHONE', 'WEB', 'COURRIER', 'PORTAIL'].includes(v)));
});
