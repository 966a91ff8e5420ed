/**
 * The connector loader: the built-in modules of connectors/registry.ts, and modules named by
 * RELAIS_CONNECTORS (paths relative to the working directory, absolute paths, package names),
 * each checked — a module that is not a connector is refused with its name.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { definitionProblems, loadConnectors } from './loader.ts';

const dir = mkdtempSync(join(tmpdir(), 'relais-loader-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes an ES module exporting `body` as default; returns its path. */
function module(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, `export default ${body};\n`);
  return file;
}

const parking = `{
  kind: 'parking-permits',
  description: 'Parking permits (REST).',
  accepts: ['fr.relais.citizen.address.changed.v1'],
  settings: { url: { env: 'PARKING_PERMITS_URL', default: 'http://127.0.0.1:8199', parse: (raw) => raw, description: 'Its API.' } },
  createSink: () => ({ apply: async () => ({ status: 'applied' }) }),
}`;

const refusedAs = (pattern: RegExp) => (error: Error & { code?: string }) => error.code === 'CONFIG_INVALID' && pattern.test(error.message);

test('the built-in connectors load by module name, each with its settings table', async () => {
  const registry = await loadConnectors({});
  // One connector per folder of connectors/ (each is registered, and nothing else is).
  const folders = readdirSync(new URL('.', import.meta.url), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(new URL(`./${entry.name}/index.ts`, import.meta.url)))
    .map((entry) => entry.name);
  assert.deepEqual(registry.kinds().sort(), folders.sort());
  for (const definition of registry.definitions) {
    assert.deepEqual(definitionProblems(definition), [], definition.kind);
    assert.ok(Object.keys(definition.settings).length > 0, `${definition.kind} declares its settings`);
  }
  assert.equal(registry.get('tax')?.settings['sftpPort']?.env, 'TAX_SFTP_PORT');
});

test('RELAIS_CONNECTORS adds connectors by path (relative to the working directory, or absolute)', async () => {
  const file = module('parking.mjs', parking);
  const relativePath = `./${relative(process.cwd(), file)}`;
  for (const spec of [relativePath, file]) {
    const registry = await loadConnectors({ RELAIS_CONNECTORS: spec });
    assert.equal(registry.get('parking-permits')?.description, 'Parking permits (REST).', spec);
    assert.ok(registry.get('social-services'), 'the built-in ones stay');
  }
});

test('a module that is missing, or is not a connector, is refused with its name and the reason', async () => {
  await assert.rejects(
    loadConnectors({ RELAIS_CONNECTORS: '@acme/relais-connector-nowhere' }),
    refusedAs(/^RELAIS_CONNECTORS: "@acme\/relais-connector-nowhere": cannot load the connector module/),
  );
  const named = module('named.mjs', '42;\nexport const connector = {}');
  await assert.rejects(
    loadConnectors({ RELAIS_CONNECTORS: named }),
    refusedAs(/named\.mjs": not a connector module \(its default export must be a ConnectorDefinition\): its default export is not/),
  );
  const half = module('half.mjs', `{ kind: 'Half', description: 'x', accepts: 'all', settings: { url: { env: 'X' } } }`);
  await assert.rejects(
    loadConnectors({ RELAIS_CONNECTORS: half }),
    refusedAs(
      /`kind` must be a kebab-case name; `accepts` must be a list of event types; setting `url` needs env, description and parse; it offers none of/,
    ),
  );
  const twin = module('twin.mjs', parking.replace("'parking-permits'", "'tax'"));
  await assert.rejects(
    loadConnectors({ RELAIS_CONNECTORS: twin }),
    refusedAs(/twin\.mjs": the connector kind "tax" is taken \(connectors\/registry\.ts: "\.\/tax\/index\.ts"\)/),
  );
  await assert.rejects(loadConnectors({ RELAIS_CONNECTORS: ' , ' }), refusedAs(/RELAIS_CONNECTORS=" , ": expected module/));
});
