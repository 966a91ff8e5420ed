/**
 * docs/configuration.md is generated from the settings tables — the kernel's (core/config.ts),
 * each connector's (its definition's `settings`, in connectors/<name>/config.ts) and each
 * simulator's (silos/<name>/settings.ts) — and `npm run gen:check` catches drift. This checks the
 * tables against the code: every environment variable a shipped process reads is declared in one
 * of them, no variable is declared twice among the kernel and the connectors, every simulator
 * setting is used by its simulator, and a variable a connector shares with its simulator (a
 * port, a credential) is declared alike on both sides. Test and benchmark tooling (scripts/,
 * bench/, test/, *.test.ts) is out of scope.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConnectors } from '../connectors/loader.ts';
import { settings } from '../core/config.ts';
import { retentionSettings } from '../privacy/retention-settings.ts';
import { secretVariables, type SettingsTable } from '../core/settings.ts';
import { discoverSimulators } from '../silos/shared/simulators.ts';

const shipped = ['bin', 'connectors', 'core', 'gateway', 'infra', 'privacy', 'silos'];

/** Read by code but not Relais settings, each with its reason. */
const notSettings: Record<string, string> = {
  JAVA_HOME: "the JDK infra/kafka runs the local broker on (the operating system's convention)",
  TEST_DATABASE_URL:
    'the PostgreSQL server the test kit (packages/connector-kit/src/testing, used by the conformance suites) creates its databases on; npm test sets it',
};

const connectors = (await loadConnectors({})).definitions;
const simulators = await discoverSimulators();
const tables: SettingsTable[] = [settings, retentionSettings, ...connectors.map((c) => c.settings), ...simulators.map((s) => s.settings)];

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

/** The keys a file reads from its `settings`: `settings.key`, or `const { key, … } = settings`. */
function settingsUsed(text: string): Set<string> {
  const dotted = [...text.matchAll(/\bsettings\.(\w+)/g)].map((m) => m[1]!);
  const destructured = [...text.matchAll(/\{([^{}]+)\}\s*=\s*settings\b/g)].flatMap((m) => m[1]!.split(',').map((k) => k.trim()));
  return new Set([...dotted, ...destructured]);
}

test('every environment variable the shipped code reads is declared in a settings table', () => {
  const declared = new Set<string>([
    ...tables.flatMap((table) => Object.values(table).map((s) => s.env)),
    ...tables.flatMap(secretVariables).map((name) => `${name}_FILE`),
    ...Object.keys(notSettings),
  ]);
  const undeclared = shipped
    .flatMap(sources)
    .flatMap((file) => variablesRead(readFileSync(file, 'utf8')).map((name) => ({ file, name })))
    .filter(({ name }) => !declared.has(name));
  assert.deepEqual(
    undeclared,
    [],
    "declare these in core/config.ts, the connector's config.ts or the simulator's settings.ts, and run npm run gen",
  );
});

test('the kernel and the connectors declare each variable once', () => {
  const owners = new Map<string, string[]>();
  const declare = (owner: string, table: SettingsTable): void => {
    for (const setting of Object.values(table)) owners.set(setting.env, [...(owners.get(setting.env) ?? []), owner]);
  };
  declare('core/config.ts', settings);
  for (const connector of connectors) declare(`connector ${connector.kind}`, connector.settings);
  assert.deepEqual(
    [...owners].filter(([, declaredBy]) => declaredBy.length > 1),
    [],
  );
});

test('every simulator setting is used by its simulator (main.ts or simulator.ts)', () => {
  for (const simulator of simulators) {
    const code = ['main.ts', 'simulator.ts']
      .map((file) => join('silos', simulator.name, file))
      .filter(existsSync)
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    const used = settingsUsed(code);
    const unused = Object.keys(simulator.settings).filter((key) => !used.has(key));
    assert.deepEqual(unused, [], `silos/${simulator.name} declares settings it never reads`);
  }
});

test('a variable read by a connector and by its simulator is declared alike (secret, and the same default where both have one)', () => {
  let shared = 0;
  for (const simulator of simulators) {
    const connector = connectors.find((c) => c.kind === simulator.name);
    for (const theirs of Object.values(simulator.settings)) {
      const ours = Object.values(connector?.settings ?? {}).find((s) => s.env === theirs.env);
      if (!ours) continue;
      shared++;
      assert.equal(Boolean(ours.secret), Boolean(theirs.secret), `${theirs.env}: secret on both sides or neither`);
      if (ours.default !== undefined && theirs.default !== undefined) assert.equal(ours.default, theirs.default, theirs.env);
    }
  }
  assert.ok(shared >= 10, `only ${shared} shared variables found`);
});

test('the scans see what they are meant to see', () => {
  assert.deepEqual(variablesRead('const a = env[\'PORT\']; process.env.HOST; env["X_Y"]; env[name]; environment.Z'), [
    'PORT',
    'HOST',
    'X_Y',
  ]);
  assert.deepEqual([...settingsUsed('settings.port; const { dataDir, apiKey } = settings; other.host')], ['port', 'dataDir', 'apiKey']);
});
