import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ledgerFacts } from './disclosures.ts';
import { callerOf } from '../gateway/oidc.ts';

const id = '6f1c1a52-8a47-4c3e-9a43-5d8f1a0c2b11';

test('one ledger entry per change and system, merging the router’s handing over and the connector’s apply', () => {
  const facts = ledgerFacts(
    [
      {
        eventId: id,
        system: 'tax',
        status: 'delivered',
        at: '2026-12-01T10:00:00Z',
        route: 'r',
        legalBasis: 'public-task: x',
        fields: ['a'],
      },
      { eventId: id, system: 'tax', status: 'applied', at: '2026-12-01T10:05:00Z', route: 'r' },
      { eventId: id, system: 'email', status: 'rejected', at: '2026-12-01T10:05:00Z', reason: 'no' },
    ],
    (route) => (route === 'r' ? 'what it is for' : undefined),
  );
  assert.deepEqual(facts, [
    {
      changeId: id,
      system: 'tax',
      route: 'r',
      legalBasis: 'public-task: x',
      purpose: 'what it is for',
      fields: ['a'],
      handedOverAt: '2026-12-01T10:00:00Z',
      appliedAt: '2026-12-01T10:05:00Z',
    },
  ]);
});

test('a citizen’s token names its citizen by the relais_pivot_id claim; a service’s never does', () => {
  const citizen = callerOf({ sub: 'fc-123', scope: 'citizens:read', roles: ['citizen'], relais_pivot_id: id.toUpperCase() }, 'roles');
  assert.equal(citizen?.pivotId, id);
  assert.equal(callerOf({ sub: 'fc-123', roles: ['citizen'], relais_pivot_id: 'not-a-uuid' }, 'roles')?.pivotId, undefined);
  const service = callerOf({ sub: 'portal', client_id: 'portal', relais_pivot_id: id }, 'roles');
  assert.equal(service?.kind, 'service');
  assert.equal(service?.pivotId, undefined);
});
