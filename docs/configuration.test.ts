/**
 * docs/configuration.md is generated from core/config.ts and silos/shared/settings.ts (drift:
 * `npm run gen:check`); this checks those tables against the code: every environment variable a
 * shipped process reads is declared there, and every simulator variable declared is read by its
 * simulator. Test and benchmark tooling (scripts/, bench/, test/, *.test.ts) is out of scope.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { secretEnvNames, settings } from '../core/config.ts';
import { simulatorSettings } from '../silos/shared/settings.ts';

const shipped = ['bin', 'connectors', 'core', 'gateway', 'infra', 'silos'];

/** Read by code but not Relais settings, each with its reason. */
const notSettings: Record<string, string> = {
  JAVA_HOME: "the JDK infra/kafka runs the local broker on (the operating system's convention)",
  TEST_DATABASE_URL:
    'the PostgreSQL server the test kit (packages/connector-kit/src/testing, used by the conformance suites) creates its databases on; npm test sets it',
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'lib' ? [] : sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Variables named literally in an environment read: env['X'], env["X"], env.X, process.env.X. */
function variablesRead(text: string): string[] {
  return [...text.matchAll(/\benv(?:\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\]|\.([A-Z][A-Z0-9_]*)\b)/g)].map((m) => (m[1] ?? m[2])!);
}

test('every environment variable the shipped code reads is declared in the configuration tables', () => {
  const declared = new Set<string>([
    ...Object.values(settings).map((s) => s.env),
    ...secretEnvNames().map((name) => `${name}_FILE`),
    ...simulatorSettings.map((s) => s.env),
    ...Object.keys(notSettings),
  ]);
  const undeclared = shipped
    .flatMap(sources)
    .flatMap((file) => variablesRead(readFileSync(file, 'utf8')).map((name) => ({ file, name })))
    .filter(({ name }) => !declared.has(name));
  assert.deepEqual(undeclared, [], 'declare these in core/config.ts (or silos/shared/settings.ts for a simulator) and run npm run gen');
});

test('every simulator variable declared is read by its simulator', () => {
  for (const setting of simulatorSettings) {
    const main = readFileSync(join('silos', setting.simulator, 'main.ts'), 'utf8');
    assert.ok(variablesRead(main).includes(setting.env), `silos/${setting.simulator}/main.ts reads ${setting.env}`);
  }
});

test('the scan sees the reads it is meant to see', () => {
  assert.deepEqual(variablesRead('const a = env[\'PORT\']; process.env.HOST; env["X_Y"]; env[name]; environment.Z'), [
    'PORT',
    'HOST',
    'X_Y',
  ]);
});
