import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from './config.ts';

test('defaults apply when nothing is set', () => {
  const config = loadConfig({});
  assert.equal(config.port, 8080);
  assert.equal(config.topicPrefix, 'relais');
  assert.equal(config.databaseUrl, undefined);
  assert.equal(config.kafkaBrokers, undefined);
});

test('values are parsed and typed', () => {
  const config = loadConfig({ PORT: '9000', KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093', DATABASE_URL: 'postgres://u@h/db' });
  assert.equal(config.port, 9000);
  assert.deepEqual(config.kafkaBrokers, ['127.0.0.1:9092', '127.0.0.1:9093']);
  assert.equal(config.databaseUrl, 'postgres://u@h/db');
});

test('every invalid variable is reported at once, by name, and secrets are not echoed', () => {
  assert.throws(
    () => loadConfig({ PORT: 'eighty', KAFKA_BROKERS: 'nohostport', DATABASE_URL: 'mysql://root:secret@h/db', LOG_LEVEL: 'loud' }),
    (error: Error & { code?: string }) => {
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.match(error.message, /PORT="eighty": expected an integer/);
      assert.match(error.message, /KAFKA_BROKERS="nohostport": "nohostport" is not host:port/);
      assert.match(error.message, /DATABASE_URL=\(hidden\): expected a postgres:\/\/ URL/);
      assert.match(error.message, /LOG_LEVEL="loud": expected one of/);
      assert.doesNotMatch(error.message, /secret/);
      return true;
    },
  );
});
