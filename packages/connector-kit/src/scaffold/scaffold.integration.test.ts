/**
 * `relais connector new`, end to end: names are checked before anything is written; a connector
 * scaffolded into a copy of the repository (under .relais/, which typecheck, lint and the test
 * finder skip) typechecks and lints clean with the repository's own configuration, its simulator
 * and connector work over real HTTP, and its own tests — the conformance suites included, on
 * the broker and PostgreSQL `npm test` provides — pass.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { overlay, startSimulator } from '../../../../bin/start-silos.ts';
import { definitionProblems } from '../../../../connectors/loader.ts';
import { parseFlows } from '../../../../core/flows/flows.ts';
import { readSettings } from '../../../../core/settings.ts';
import { discoverSimulators } from '../../../../silos/shared/simulators.ts';
import type { ConnectorDefinition } from '../contract.ts';
import { connectorNames, describeScaffold, scaffoldConnector, selectVariant, type ScaffoldResult } from './scaffold.ts';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const NAME = 'school-canteen';
/** Scaffolded without a source, beside NAME. */
const SINK_ONLY = 'nursery-billing';

function refusal(pattern: RegExp) {
  return (error: Error & { code?: string }) =>
    error.code === 'SCAFFOLD_REFUSED' && pattern.test(error.message) && !error.message.includes('\n');
}

/** Runs a command to its end (killed after `timeoutMs`); resolves with its exit code and output. */
function run(command: string, args: string[], cwd: string, timeoutMs = 120_000): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    // Without NODE_TEST_CONTEXT, a child `node --test` runs its files instead of deferring to this runner.
    const { NODE_TEST_CONTEXT: _context, ...env } = process.env;
    const child = spawn(command, args, { cwd, env: { ...env, LOG_LEVEL: 'silent' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output });
    });
  });
}

test('a name that is not kebab-case is refused with one clear line', () => {
  for (const name of ['School-Canteen', 'school_canteen', 'ab', '-canteen', 'canteen-', 'school--canteen', '2canteen', 'a'.repeat(41)]) {
    assert.throws(() => scaffoldConnector({ name, root: repo }), refusal(/expected kebab-case/), name);
  }
  assert.deepEqual(connectorNames('school-canteen-2'), {
    kebab: 'school-canteen-2',
    camel: 'schoolCanteen2',
    Pascal: 'SchoolCanteen2',
    CONST: 'SCHOOL_CANTEEN_2',
  });
});

test('a taken name or a root that is not a Relais repository is refused, and nothing is written', () => {
  assert.throws(
    () => scaffoldConnector({ name: 'social-services', root: repo }),
    refusal(/"social-services" is taken: connectors\/social-services exists/),
  );
  assert.throws(() => scaffoldConnector({ name: 'shared', root: repo }), refusal(/taken: silos\/shared exists/));
  const empty = join(repo, '.relais', `scaffold-empty-${randomUUID()}`);
  mkdirSync(empty, { recursive: true });
  try {
    assert.throws(() => scaffoldConnector({ name: NAME, root: empty }), refusal(/is not a Relais repository/));
    assert.deepEqual(readdirSync(empty), []);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test('a name whose variables a settings table declares already is refused', () => {
  // SOCIAL_SERVICES_API_KEY and _PORT, declared by silos/social-services/settings.ts, copied here under another folder's name.
  const root = join(repo, '.relais', `scaffold-taken-${randomUUID()}`);
  mkdirSync(join(root, 'connectors'), { recursive: true });
  cpSync(join(repo, 'silos/social-services/settings.ts'), join(root, 'silos/other/settings.ts'));
  try {
    assert.throws(
      () => scaffoldConnector({ name: 'social-services', root }),
      refusal(/"social-services" is taken: a settings table already declares SOCIAL_SERVICES_(API_KEY|PORT)/),
    );
    assert.deepEqual(readdirSync(root).sort(), ['connectors', 'silos']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

describe('a scaffolded connector', () => {
  const root = join(repo, '.relais', `scaffold-${randomUUID()}`);
  let result: ScaffoldResult;
  let sinkOnly: ScaffoldResult;
  const written = () => [...result.created, ...sinkOnly.created];

  before(() => {
    for (const dir of ['core', 'schemas', 'flows', 'core/store/migrations', 'test/support', 'silos/shared'])
      cpSync(join(repo, dir), join(root, dir), { recursive: true });
    cpSync(join(repo, 'connectors/registry.ts'), join(root, 'connectors/registry.ts'));
    result = scaffoldConnector({ name: NAME, root });
    sinkOnly = scaffoldConnector({ name: SINK_ONLY, root, source: false });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('has the standard anatomy, a simulator, a flow file and its settings, and edits no existing file', () => {
    for (const file of [
      'index.ts',
      'config.ts',
      'client.ts',
      'mapping.ts',
      'sink.ts',
      'source.ts',
      'README.md',
      'fixtures/address-delivery.json',
      'mapping.test.ts',
      'sink.test.ts',
      'conformance.integration.test.ts',
    ]) {
      assert.ok(result.created.includes(`connectors/${NAME}/${file}`), file);
    }
    for (const file of [
      'openapi.yaml',
      'store.ts',
      'server.ts',
      'settings.ts',
      'simulator.ts',
      'main.ts',
      'main.integration.test.ts',
      'README.md',
    ])
      assert.ok(result.created.includes(`silos/${NAME}/${file}`), file);
    assert.ok(result.created.includes(`flows/${NAME}.yaml`));
    assert.ok(result.created.every((file) => existsSync(join(root, file))));
    assert.deepEqual(result.modified, []);
    assert.equal(readFileSync(join(root, 'core/config.ts'), 'utf8'), readFileSync(join(repo, 'core/config.ts'), 'utf8'));
    assert.match(readFileSync(join(root, `connectors/${NAME}/config.ts`), 'utf8'), /url: \{ env: 'SCHOOL_CANTEEN_URL'/);
    assert.match(readFileSync(join(root, `silos/${NAME}/settings.ts`), 'utf8'), /port: \{ env: 'SCHOOL_CANTEEN_PORT'/);
    assert.match(result.nextSteps[0] ?? '', /add the line '\.\/school-canteen\/index\.ts', to connectors\/registry\.ts/);
    assert.ok(!readFileSync(join(root, 'connectors/registry.ts'), 'utf8').includes(NAME), "the registry is the author's step");
    assert.throws(() => scaffoldConnector({ name: NAME, root }), refusal(/taken: connectors\/school-canteen exists/));
    const text = describeScaffold(result);
    assert.match(text, /^created 21 files:\n  connectors\/school-canteen\/README\.md\n/);
    assert.doesNotMatch(text, /changed:/);
    assert.match(text, /\nnext:\n  1\. register it: add the line '\.\/school-canteen\/index\.ts', to connectors\/registry\.ts/);
  });

  test('without a source: no source.ts, no createSource, no source suite, no marker left', () => {
    assert.deepEqual(
      sinkOnly.created.filter((file) => file.startsWith(`connectors/${SINK_ONLY}/`)).map((file) => file.split('/').slice(2).join('/')),
      [
        'README.md',
        'client.ts',
        'config.ts',
        'conformance.integration.test.ts',
        'fixtures/address-delivery.json',
        'index.ts',
        'mapping.test.ts',
        'mapping.ts',
        'sink.test.ts',
        'sink.ts',
      ],
    );
    const index = readFileSync(join(root, `connectors/${SINK_ONLY}/index.ts`), 'utf8');
    assert.doesNotMatch(index, /createSource|emits/);
    assert.doesNotMatch(readFileSync(join(root, `connectors/${SINK_ONLY}/conformance.integration.test.ts`), 'utf8'), /sourceConformance/);
    for (const file of written()) assert.doesNotMatch(readFileSync(join(root, file), 'utf8'), /@source|@sink-only/, file);
    assert.equal(selectVariant('a\nb // @source\nc // @sink-only\n\n// @source {\nd\n// @source }\n', false), 'a\nc\n');
  });

  test("typechecks and lints clean with the repository's own configuration", async () => {
    writeFileSync(
      join(root, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../tsconfig.json',
        include: [NAME, SINK_ONLY].flatMap((name) => [`connectors/${name}`, `silos/${name}`]),
      }),
    );
    writeFileSync(join(root, 'eslint.config.js'), "export { default } from '../../eslint.config.js';\n");
    const sources = written().filter((file) => file.endsWith('.ts'));
    const [tsc, eslint] = await Promise.all([
      run(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], root),
      run(process.execPath, [join(repo, 'node_modules/eslint/bin/eslint.js'), '--max-warnings=0', ...sources], root),
    ]);
    // Only what the scaffolder wrote is judged here (core's own files are the repository's typecheck's).
    const ours = tsc.output.split('\n').filter((line) => written().some((file) => line.startsWith(file)));
    assert.deepEqual(ours, [], tsc.output);
    assert.equal(eslint.code, 0, eslint.output);
  });

  test('its flow file validates once the connector is registered, and names the missing registration before', () => {
    const text = readFileSync(join(root, `flows/${NAME}.yaml`), 'utf8');
    const flows = parseFlows([{ file: `flows/${NAME}.yaml`, text }], { connectors: [NAME] });
    assert.deepEqual(
      flows.routes.map((r) => r.to.map((t) => t.system)),
      [[NAME]],
    );
    assert.throws(
      () => parseFlows([{ file: `flows/${NAME}.yaml`, text }], { connectors: ['social-services'] }),
      /unknown connector "school-canteen"/,
    );
  });

  test('the quick start finds its simulator and points its connector at it, through settings alone', async () => {
    const simulators = await discoverSimulators(join(root, 'silos'));
    assert.deepEqual(
      simulators.map((s) => s.name),
      [SINK_ONLY, NAME].sort(),
    );
    const connector = ((await import(pathToFileURL(join(root, `connectors/${NAME}/index.ts`)).href)) as { default: ConnectorDefinition })
      .default;
    assert.deepEqual(definitionProblems(connector), []);
    const dataDir = join(root, 'data');
    mkdirSync(dataDir);
    const env = { SCHOOL_CANTEEN_PORT: '0' };
    const running = (await startSimulator(
      simulators.find((s) => s.name === NAME)!,
      env,
      dataDir,
    ))!;
    try {
      const settings = readSettings(connector.settings, overlay(env, running.connectorEnv));
      assert.equal(settings['url'], running.urls[NAME]);
      assert.equal((await fetch(`${running.urls[NAME]}/healthz`)).status, 200);
      assert.match(
        running.banner({ gatewayUrl: 'http://g', devToken: 't' })[0]?.lines[0] ?? '',
        /^ {2}school-canteen {2}http:\/\/127\.0\.0\.1:\d+ \(simulator\)$/,
      );
    } finally {
      await running.stop();
    }
  });

  test("its simulator and its sink speak real HTTP: applied once, refused with the silo's code", async () => {
    type Silo = { url: string; close(): Promise<void> };
    const silos = (await import(pathToFileURL(join(root, `silos/${NAME}/server.ts`)).href)) as {
      startSchoolCanteenSilo(o: { apiKey: string }): Promise<Silo>;
    };
    const clients = (await import(pathToFileURL(join(root, `connectors/${NAME}/client.ts`)).href)) as {
      SchoolCanteenClient: new (o: { baseUrl: string; apiKey: string }) => object;
    };
    const sinks = (await import(pathToFileURL(join(root, `connectors/${NAME}/sink.ts`)).href)) as {
      createSchoolCanteenSink(client: object): { apply(d: object, c: object): Promise<{ status: string; reason?: string }> };
    };
    const silo = await silos.startSchoolCanteenSilo({ apiKey: 'k' });
    try {
      const headers = { 'content-type': 'application/json', 'x-api-key': 'k' };
      const created = await fetch(`${silo.url}/usagers`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ identifiant: 'U-1', adresse: { voie: 'rue A', codePostal: '69001', commune: 'Lyon' } }),
      });
      assert.equal(created.status, 201);
      const sink = sinks.createSchoolCanteenSink(new clients.SchoolCanteenClient({ baseUrl: silo.url, apiKey: 'k' }));
      const data = { address: { streetName: 'rue B', postcode: '69002', communeName: 'Lyon', country: 'FR' }, effectiveDate: '2026-11-01' };
      const delivery = {
        eventId: randomUUID(),
        type: 'fr.relais.citizen.address.changed.v1',
        pivotId: randomUUID(),
        system: NAME,
        routeId: 'r',
        citizenId: 'U-1',
        data,
        time: new Date().toISOString(),
      };
      const context = { signal: AbortSignal.timeout(5000), attempt: 1, logger: { warn() {}, info() {}, debug() {}, error() {} } };
      assert.deepEqual(await sink.apply(delivery, context), { status: 'applied' });
      assert.deepEqual(await sink.apply(delivery, context), { status: 'applied' });
      const usager = (await (await fetch(`${silo.url}/usagers/U-1`, { headers })).json()) as { adresse: unknown };
      assert.deepEqual(usager.adresse, { voie: 'rue B', codePostal: '69002', commune: 'Lyon' });
      const journal = (await (await fetch(`${silo.url}/changements?apres=0`, { headers })).json()) as {
        changements: { cleIdempotence?: string }[];
      };
      assert.equal(journal.changements.filter((c) => c.cleIdempotence === delivery.eventId).length, 1);
      const refused = await sink.apply({ ...delivery, eventId: randomUUID(), citizenId: 'U-404' }, context);
      assert.deepEqual(refused, { status: 'rejected', reason: `${NAME} refused (404 USAGER_INCONNU)` });
      assert.match(await (await fetch(`${silo.url}/openapi.yaml`)).text(), /^openapi: 3\.1\.0/);
    } finally {
      await silo.close();
    }
  });

  test(
    'its own tests pass: mapping, sink and source against the simulator, and the conformance suites',
    { skip: !process.env['KAFKA_BROKERS'] && 'needs the broker npm test starts' },
    async () => {
      const tests = written().filter((file) => file.endsWith('.test.ts'));
      const { code, output } = await run(process.execPath, ['--test', '--test-reporter=spec', ...tests], root, 240_000);
      assert.equal(code, 0, output);
      assert.match(output, new RegExp(`${NAME}: sink conformance`));
      assert.match(output, new RegExp(`${NAME}: source conformance`));
      assert.match(output, new RegExp(`${SINK_ONLY}: sink conformance`));
      assert.doesNotMatch(output, new RegExp(`${SINK_ONLY}: source conformance`));
    },
  );
});
