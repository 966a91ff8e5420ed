import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from '../core/bus/types.ts';
import { describeDeadLetter, latestByEvent, redelivery } from './dead-letter-messages.ts';

function dead(eventId: string | undefined, failedAt: string, offset: string): IncomingMessage {
  return {
    topic: 'relais.dlq.tax',
    partition: 1,
    offset,
    key: 'pivot-1',
    value: Buffer.from('{"eventId":"x"}'),
    timestamp: 0,
    headers: {
      ...(eventId ? { ce_id: eventId } : {}),
      ce_type: 'fr.relais.citizen.address.changed.v1',
      ce_subject: 'pivot-1',
      traceparent: '00-aa-bb-01',
      relais_error_code: 'SILO_UNAVAILABLE',
      relais_error_message: 'tax office answered 503',
      relais_error_retriable: 'true',
      relais_attempts: '6',
      relais_failed_at: failedAt,
      relais_source_topic: 'relais.delivery.tax',
    },
  };
}

test('a re-drive is the original delivery: same key, value and CloudEvents headers, no error headers', () => {
  const message = dead('e1', '2026-12-01T10:00:00Z', '7');
  const out = redelivery(message, 'relais.delivery.tax');
  assert.deepEqual(out, {
    topic: 'relais.delivery.tax',
    key: 'pivot-1',
    value: message.value,
    headers: { ce_id: 'e1', ce_type: 'fr.relais.citizen.address.changed.v1', ce_subject: 'pivot-1', traceparent: '00-aa-bb-01' },
  });
});

test('a sealed delivery is re-driven sealed: its encryption and key id headers stay', () => {
  const message = dead('e1', '2026-12-01T10:00:00Z', '7');
  message.headers = { ...message.headers, relais_encryption: 'aes-256-gcm', relais_key_id: 'k1' };
  const out = redelivery(message, 'relais.delivery.tax');
  assert.equal(out.headers['relais_encryption'], 'aes-256-gcm');
  assert.equal(out.headers['relais_key_id'], 'k1');
  assert.equal(out.headers['relais_error_code'], undefined);
});

test('the DLQ headers describe the dead letter', () => {
  assert.deepEqual(describeDeadLetter(dead('e1', '2026-12-01T10:00:00Z', '7')), {
    eventId: 'e1',
    type: 'fr.relais.citizen.address.changed.v1',
    pivotId: 'pivot-1',
    code: 'SILO_UNAVAILABLE',
    error: 'tax office answered 503',
    retriable: true,
    attempts: 6,
    failedAt: '2026-12-01T10:00:00Z',
    partition: 1,
    offset: '7',
    poison: false,
  });
  // A message the sink could not decode as a delivery, though it has an id: poison, not replayable.
  const undecodable = dead('e2', '2026-12-01T10:00:00Z', '8');
  undecodable.headers['relais_poison'] = 'true';
  assert.equal(describeDeadLetter(undecodable).poison, true);
  assert.equal(describeDeadLetter(dead(undefined, '2026-12-01T10:00:00Z', '9')).poison, true);
});

test('an event dead-lettered twice (a failed replay) counts once, by its latest dead letter; poison messages are kept apart', () => {
  const latest = latestByEvent([
    dead('e1', '2026-12-01T10:00:00Z', '1'),
    dead('e2', '2026-12-01T10:05:00Z', '2'),
    dead(undefined, '2026-12-01T10:06:00Z', '3'),
    dead('e1', '2026-12-01T11:00:00Z', '4'),
  ]);
  assert.deepEqual(
    latest.map((m) => [m.headers['ce_id'], m.offset]),
    [
      ['e2', '2'],
      [undefined, '3'],
      ['e1', '4'],
    ],
  );
});
