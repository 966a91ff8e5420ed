import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, loadConfiguration, secretEnvNames } from './config.ts';
import { defineSettings, httpUrl, integer, text } from './settings.ts';

/** A connector's table, as a connector's config.ts declares it. */
const siloSettings = defineSettings({
  url: { env: 'SILO_URL', default: 'http://127.0.0.1:9999/', parse: httpUrl, description: 'The silo.' },
  pageSize: { env: 'SILO_PAGE_SIZE', default: '50', parse: integer(1, 200), description: 'Records per poll.' },
  password: { env: 'SILO_PASSWORD', parse: text, secret: true, description: 'Its password.' },
});

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

test('a secret may come from the file named by <VAR>_FILE (trailing newline removed); other settings may not', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relais-config-'));
  try {
    writeFileSync(join(dir, 'url'), 'postgres://relais:s3cret@db/relais\n');
    writeFileSync(join(dir, 'port'), '9000\n');
    const config = loadConfig({ DATABASE_URL_FILE: join(dir, 'url'), PORT_FILE: join(dir, 'port') });
    assert.equal(config.databaseUrl, 'postgres://relais:s3cret@db/relais');
    assert.equal(config.port, 8080, 'PORT is no secret: PORT_FILE means nothing');
    assert.ok(secretEnvNames().includes('DATABASE_URL'));
    assert.ok(!secretEnvNames().includes('PORT'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a secret set twice, or a <VAR>_FILE that cannot be read, is reported by name without the value', () => {
  assert.throws(
    () =>
      loadConfig({
        RELAIS_DEV_TOKEN: 'tok-visible',
        RELAIS_DEV_TOKEN_FILE: '/nonexistent/a',
        DATABASE_URL_FILE: '/nonexistent/b',
      }),
    (error: Error & { code?: string }) => {
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.match(error.message, /RELAIS_DEV_TOKEN_FILE: RELAIS_DEV_TOKEN is set too; set one of them/);
      assert.match(error.message, /DATABASE_URL_FILE="\/nonexistent\/b": cannot read it \(ENOENT\)/);
      assert.doesNotMatch(error.message, /tok-visible/);
      return true;
    },
  );
});

test("a connector's settings are read with the kernel's: typed values by kind, defaults and secret files included", () => {
  const dir = mkdtempSync(join(tmpdir(), 'relais-config-'));
  try {
    writeFileSync(join(dir, 'password'), 's3cret\n');
    const { config, connectorSettings } = loadConfiguration({ PORT: '9000', SILO_PASSWORD_FILE: join(dir, 'password') }, [
      { kind: 'silo', settings: siloSettings },
    ]);
    assert.equal(config.port, 9000);
    assert.deepEqual(connectorSettings.get('silo'), { url: 'http://127.0.0.1:9999', pageSize: 50, password: 's3cret' });
    assert.equal((loadConfig({ SILO_PASSWORD: 'x' }) as Record<string, unknown>)['password'], undefined, 'the kernel does not read it');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("one error lists the kernel's problems and every connector's, by variable, secrets hidden", () => {
  assert.throws(
    () =>
      loadConfiguration({ PORT: 'eighty', SILO_URL: 'ftp://x', SILO_PAGE_SIZE: '0', SILO_PASSWORD_FILE: '/nonexistent/b' }, [
        { kind: 'silo', settings: siloSettings },
      ]),
    (error: Error & { code?: string }) => {
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.match(error.message, /SILO_PASSWORD_FILE="\/nonexistent\/b": cannot read it \(ENOENT\)/);
      assert.match(error.message, /PORT="eighty": expected an integer/);
      assert.match(error.message, /SILO_URL="ftp:\/\/x": expected an http\(s\):\/\/ URL/);
      assert.match(error.message, /SILO_PAGE_SIZE="0": expected an integer from 1 to 200/);
      return true;
    },
  );
});
