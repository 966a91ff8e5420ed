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
  logger.info({ change: { data: { address: { streetName: 'rue des Lilas' } }, citizenId: 'SS-000123' }, system: 'tax', headers: { authorization: 'Bearer x' } }, 'applied');
  const record = JSON.parse(lines[0]!) as Record<string, unknown>;
  assert.deepEqual(record['change'], { data: '[redacted]', citizenId: '[redacted]' });
  assert.equal(record['system'], 'tax');
  assert.doesNotMatch(lines[0]!, /Lilas|SS-000123|Bearer/);
});

test('errors keep their type and message only; nested lists are walked', () => {
  assert.deepEqual(redactPersonal({ err: new Error('boom'), list: [{ email: 'a@b.fr', ok: 1 }] }), { err: { type: 'Error', message: 'boom' }, list: [{ email: '[redacted]', ok: 1 }] });
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
