import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Receipt } from '../../core/envelopes.ts';
import { foldReceipts } from './receipts.ts';

const EVENT = '0190f3a0-0000-7000-8000-000000000001';
const receipt = (status: Receipt['status'], at: string, more: Partial<Receipt> = {}): Receipt => ({
  eventId: EVENT,
  system: 'waste-management',
  status,
  at,
  ...more,
});

test('a batch folds to one row per recipient, as applying its receipts in turn would leave it', () => {
  const folded = foldReceipts([
    receipt('applied', '2026-12-06T10:00:02.000Z'),
    // The router's receipt travels apart from the connector's and may come after it in a batch.
    receipt('delivered', '2026-12-06T10:00:01.000Z'),
    receipt('applied', '2026-12-06T10:00:01.500Z', { system: 'social-services' }),
  ]);
  assert.deepEqual(
    folded.map((f) => [f.system, f.status, f.at, f.deliveredAt, f.settledAt, f.appliedAt]),
    [
      [
        'waste-management',
        'applied',
        '2026-12-06T10:00:02.000Z',
        '2026-12-06T10:00:01.000Z',
        '2026-12-06T10:00:02.000Z',
        '2026-12-06T10:00:02.000Z',
      ],
      ['social-services', 'applied', '2026-12-06T10:00:01.500Z', null, '2026-12-06T10:00:01.500Z', '2026-12-06T10:00:01.500Z'],
    ],
  );
});

test('between settled statuses the later decision wins, and the first time of each step is kept', () => {
  const [folded] = foldReceipts([
    receipt('dead_lettered', '2026-12-06T10:00:01.000Z', { reason: 'SILO_REJECTED: bad postcode' }),
    receipt('unknown', '2026-12-06T10:00:03.000Z'),
    receipt('applied', '2026-12-06T10:00:05.000Z'),
    receipt('rejected', '2026-12-06T10:00:04.000Z', { reason: 'older decision' }),
  ]);
  assert.equal(folded?.status, 'applied');
  assert.equal(folded?.reason, null);
  assert.equal(folded?.settledAt, '2026-12-06T10:00:01.000Z');
  assert.equal(folded?.appliedAt, '2026-12-06T10:00:05.000Z');
});
