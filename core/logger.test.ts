import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger, hashId, redactPersonal, setLogSalt } from './logger.ts';

test('personal data is redacted wherever it sits in a log record', () => {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ component: 'test', level: 'info', destination });
  logger.info(
    {
      change: { data: { address: { streetName: 'rue des Lilas' } }, citizenId: 'SS-000123' },
      system: 'tax',
      headers: { authorization: 'Bearer x' },
    },
    'applied',
  );
  const record = JSON.parse(lines[0]!) as Record<string, unknown>;
  assert.deepEqual(record['change'], { data: '[redacted]', citizenId: '[redacted]' });
  assert.equal(record['system'], 'tax');
  assert.doesNotMatch(lines[0]!, /Lilas|SS-000123|Bearer/);
});

test('errors keep their type and message only; nested lists are walked', () => {
  assert.deepEqual(redactPersonal({ err: new Error('boom'), list: [{ email: 'a@b.fr', ok: 1 }] }), {
    err: { type: 'Error', message: 'boom' },
    list: [{ email: '[redacted]', ok: 1 }],
  });
});

test('identifiers can be correlated through a salted hash that does not reveal them', () => {
  setLogSalt('s1');
  const a = hashId('SS-000123');
  assert.equal(a, hashId('SS-000123'));
  assert.notEqual(a, hashId('SS-000124'));
  setLogSalt('s2');
  assert.notEqual(hashId('SS-000123'), a);
  assert.doesNotMatch(a, /000123/);
});

test("an event's data is shown by its personal-data labels: fields labelled none in clear, every other replaced", () => {
  const data = {
    requestId: 'SR-1',
    category: 'waste.missed-collection',
    status: 'submitted',
    competentService: 'waste-management',
    location: { address: { streetName: 'rue des Lilas', postcode: '69003', communeName: 'Lyon', country: 'FR' } },
    description: 'Mme Martin, 06 12 34 56 78',
  };
  assert.deepEqual(redactPersonal({ event: { type: 'fr.relais.service-request.submitted.v1', data } }), {
    event: {
      type: 'fr.relais.service-request.submitted.v1',
      data: {
        requestId: 'SR-1',
        category: 'waste.missed-collection',
        status: 'submitted',
        competentService: 'waste-management',
        location: '[redacted]',
        description: '[redacted]',
      },
    },
  });
  // Lists are walked item by item; a field the schema does not know is hidden too.
  const household = redactPersonal({
    type: 'fr.relais.citizen.household.changed.v1',
    data: {
      effectiveDate: '2026-11-01',
      members: [{ name: { birthName: 'Martin', givenNames: ['Léa'] }, role: 'child', dependent: true }],
      unknown: 'x',
    },
  });
  assert.deepEqual(household, {
    type: 'fr.relais.citizen.household.changed.v1',
    data: { effectiveDate: '2026-11-01', members: '[redacted]', unknown: '[redacted]' },
  });
  // An unknown type: nothing of its data is shown.
  assert.deepEqual(redactPersonal({ type: 'fr.relais.unknown.v1', data: { effectiveDate: '2026-11-01' } }), {
    type: 'fr.relais.unknown.v1',
    data: '[redacted]',
  });
});

test('outside events, every field name the catalogue labels as personal is hidden, with no hand-kept list', () => {
  const record = redactPersonal({
    spouse: { pivotId: 'p' },
    dependent: true,
    communeInsee: '69383',
    actReference: 'N-1',
    givenNames: ['Léa'],
    effectiveDate: '2026-11-01',
    status: 'applied',
  });
  assert.deepEqual(record, {
    spouse: '[redacted]',
    dependent: '[redacted]',
    communeInsee: '[redacted]',
    actReference: '[redacted]',
    givenNames: '[redacted]',
    effectiveDate: '2026-11-01',
    status: 'applied',
  });
});
