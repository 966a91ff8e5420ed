/**
 * The packed kit, as an integrator gets it: `npm pack` of the build, installed with `npm install`
 * in an empty directory outside this repository (its dependencies come from the npm registry),
 * a small connector written there against a tiny HTTP silo, importing only
 * `@relais/connector-kit` and `@relais/connector-kit/testing`, type-checked against the
 * package's declarations, and its sink conformance suite run there with `node --test` against
 * the real broker and PostgreSQL (KAFKA_BROKERS, TEST_DATABASE_URL from `npm test`). Node's
 * permission model keeps that run from reading anything of this repository.
 *
 * Each step is a function of its own (pack, install, write the connector, type-check, run the
 * conformance), so that the connector can come from the scaffolder instead once it can write
 * a standalone connector.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packKit } from './pack.ts';

const repository = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SYSTEM = 'library';

interface Outcome {
  code: number;
  output: string;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env, timeoutMs = 300_000): Promise<Outcome> {
  return new Promise((resolvePromise) => {
    execFile(command, args, { cwd, env, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolvePromise({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** Builds and packs the kit into `workDir`; resolves to the tarball. */
export function packKitInto(workDir: string): Promise<string> {
  return packKit(join(workDir, 'build'), workDir);
}

/** An empty project in `project` with the tarball installed, as `npm install <tarball>` does it. */
export async function installKit(project: string, tarball: string): Promise<void> {
  mkdirSync(project, { recursive: true });
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'library-connector', private: true, type: 'module' }, null, 2)}\n`,
  );
  const { code, output } = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], project);
  assert.equal(code, 0, `npm install ${tarball}:\n${output}`);
}

const silo = `/** A library's readers register, over HTTP: PUT /readers/:id/address, one write per Idempotency-Key. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Silo {
  url: string;
  /** A new reader; resolves to the reader's number. */
  addReader(): string;
  /** Writes applied for this idempotency key (a replayed key is answered, not applied again). */
  writes(key: string): number;
  /** Holds every request until the returned function is called. */
  stall(): () => void;
  close(): Promise<void>;
}

export async function startSilo(): Promise<Silo> {
  const readers = new Map<string, unknown>();
  const journal: string[] = [];
  let held: Promise<void> | undefined;
  let count = 0;
  const answer = (response: ServerResponse, status: number, body: unknown): void => {
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    await held;
    const match = /^\\/readers\\/([^/]+)\\/address$/.exec(request.url ?? '');
    if (request.method !== 'PUT' || !match) return answer(response, 404, { error: 'NO_ROUTE' });
    let body = '';
    for await (const chunk of request) body += String(chunk);
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string') return answer(response, 400, { error: 'IDEMPOTENCY_KEY_MISSING' });
    if (!readers.has(match[1]!)) return answer(response, 404, { error: 'UNKNOWN_READER' });
    if (!journal.includes(key)) {
      readers.set(match[1]!, JSON.parse(body));
      journal.push(key);
    }
    answer(response, 200, { ok: true });
  };
  const server = createServer((request, response) => {
    handle(request, response).catch(() => answer(response, 500, { error: 'INTERNAL' }));
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return {
    url: \`http://127.0.0.1:\${(server.address() as AddressInfo).port}\`,
    addReader: () => {
      const id = \`R\${++count}\`;
      readers.set(id, null);
      return id;
    },
    writes: (key) => journal.filter((k) => k === key).length,
    stall: () => {
      let release!: () => void;
      held = new Promise((resolve) => (release = resolve));
      return () => {
        held = undefined;
        release();
      };
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((closed) => server.close(() => closed()));
    },
  };
}
`;

const sink = `/** The library connector: readers' postal addresses follow the citizen's address changes. */
import {
  defineSettings,
  deliveredData,
  httpUrl,
  RelaisError,
  RetryableError,
  type ConnectorDefinition,
  type Delivery,
  type Sink,
  type SinkContext,
  type SinkOutcome,
} from '@relais/connector-kit';

export const ADDRESS_CHANGED = 'fr.relais.citizen.address.changed.v1';

export function createLibrarySink(baseUrl: string): Sink {
  return {
    async apply(delivery: Delivery, context: SinkContext): Promise<SinkOutcome> {
      const change = deliveredData(delivery, ADDRESS_CHANGED);
      const address = change?.address;
      // Without a street and a postcode the library has nothing to write: not worth a retry.
      if (!address?.streetName || !address.postcode) throw new RelaisError('EVENT_INVALID', 'the delivery carries no usable address');
      let response: Response;
      try {
        response = await fetch(\`\${baseUrl}/readers/\${encodeURIComponent(delivery.citizenId)}/address\`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json', 'idempotency-key': delivery.eventId },
          body: JSON.stringify({ street: address.streetName, number: address.number, postcode: address.postcode, town: address.communeName }),
          signal: context.signal,
        });
      } catch (error) {
        throw new RetryableError('the library system did not answer', { cause: error });
      }
      if (response.status >= 500) throw new RetryableError(\`the library system answered \${response.status}\`);
      if (!response.ok) {
        const { error } = (await response.json()) as { error?: string };
        context.logger.info({ status: response.status }, 'the library refused an address');
        return { status: 'rejected', reason: \`\${response.status} \${error ?? ''}\`.trim() };
      }
      return { status: 'applied' };
    },
  };
}

export const librarySettings = defineSettings({
  url: { env: 'LIBRARY_URL', default: 'http://127.0.0.1:8090', parse: httpUrl, description: 'Base URL of the library system.' },
});

const library: ConnectorDefinition<typeof librarySettings> = {
  kind: '${SYSTEM}',
  description: "the municipal libraries: readers' postal addresses",
  accepts: [ADDRESS_CHANGED],
  settings: librarySettings,
  createSink: ({ settings }) => createLibrarySink(settings.url),
};
export default library;
`;

const conformance = `/** The library connector passes the kit's sink conformance suite against its silo. */
import { sinkConformance } from '@relais/connector-kit/testing';
import { ADDRESS_CHANGED, createLibrarySink } from './sink.ts';
import { startSilo, type Silo } from './silo.ts';

const data = { address: { number: '3', streetName: 'rue Garibaldi', postcode: '69006', communeName: 'Lyon' }, effectiveDate: '2026-11-01' };

sinkConformance<Silo>({
  system: '${SYSTEM}',
  startSilo,
  stopSilo: (silo) => silo.close(),
  createSink: (silo) => createLibrarySink(silo.url),
  delivery: (silo) => ({ type: ADDRESS_CHANGED, citizenId: silo.addReader(), data }),
  effects: async (silo, eventId) => silo.writes(eventId),
  refusal: () => ({ delivery: { type: ADDRESS_CHANGED, citizenId: 'R-UNKNOWN', data }, reason: /404 UNKNOWN_READER/ }),
  poison: (silo) => ({ type: ADDRESS_CHANGED, citizenId: silo.addReader(), data: { effectiveDate: '2026-11-01', address: { postcode: '69003' } } }),
  stall: async (silo) => {
    const release = silo.stall();
    return async () => release();
  },
});
`;

/** Runs the sink by hand, as the Relais host would: type-checked, proving /runtime names what its options need. */
const runner = `import { createLogger } from '@relais/connector-kit';
import { startSinkRuntime, topicNames, type Bus, type Db, type RunningSink } from '@relais/connector-kit/runtime';
import { createLibrarySink } from './sink.ts';

export async function runLibrarySink(bus: Bus, db: Db, url: string): Promise<RunningSink> {
  const running = await startSinkRuntime({
    system: '${SYSTEM}',
    sink: createLibrarySink(url),
    bus,
    db,
    topics: topicNames('relais'),
    groupId: 'relais-connector-${SYSTEM}',
    retry: { maxAttempts: 5, baseMs: 200, maxMs: 5000 },
    timeoutMs: 10_000,
    logger: createLogger({ component: 'connector-${SYSTEM}' }),
  });
  await running.ready;
  return running;
}
`;

/** Writes the connector, its silo, its conformance test and a hand runner into the project. */
export function writeConnector(project: string): void {
  writeFileSync(join(project, 'silo.ts'), silo);
  writeFileSync(join(project, 'sink.ts'), sink);
  writeFileSync(join(project, 'conformance.test.ts'), conformance);
  writeFileSync(join(project, 'run.ts'), runner);
  const compilerOptions = {
    target: 'ES2024',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noEmit: true,
    allowImportingTsExtensions: true,
    verbatimModuleSyntax: true,
    erasableSyntaxOnly: true,
    skipLibCheck: true,
    types: ['node'],
  };
  writeFileSync(join(project, 'tsconfig.json'), `${JSON.stringify({ compilerOptions, include: ['*.ts'] }, null, 2)}\n`);
}

/** tsc (this repository's compiler, the project's own declarations) on the connector. */
export function typecheckConnector(project: string): Promise<Outcome> {
  return run(process.execPath, [join(repository, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], project);
}

/**
 * The connector's tests, run from the project with `node --test`. Node's permission model lets
 * them read the project and nothing else of the file system: a module of the package reaching
 * back into this repository would fail to load.
 */
export function runConformance(project: string): Promise<Outcome> {
  const env = {
    PATH: process.env['PATH'] ?? '',
    KAFKA_BROKERS: process.env['KAFKA_BROKERS'],
    TEST_DATABASE_URL: process.env['TEST_DATABASE_URL'],
  };
  const permissions = ['--permission', `--allow-fs-read=${project}`];
  // Node 26's permission model covers the network too; Node 24's has no such flag.
  if (process.allowedNodeEnvironmentFlags.has('--allow-net')) permissions.push('--allow-net');
  return run(
    process.execPath,
    [...permissions, '--test', '--test-isolation=none', '--test-reporter=spec', 'conformance.test.ts'],
    project,
    env,
  );
}

/** Every file of the installed package: none is a link, and none names this repository. */
function assertSelfContained(project: string): void {
  const installed = join(project, 'node_modules/@relais/connector-kit');
  assert.ok(!lstatSync(installed).isSymbolicLink(), 'the kit is installed, not linked');
  assert.ok(realpathSync(installed).startsWith(realpathSync(project)));
  for (const entry of readdirSync(installed, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    assert.ok(!readFileSync(file, 'utf8').includes(repository), `${file} names ${repository}`);
    assert.ok(!file.endsWith('.ts') || file.endsWith('.d.ts'), `${file}: TypeScript shipped instead of JavaScript`);
  }
}

test(
  'the packed kit installs outside the repository and a connector written there passes the sink conformance suite',
  { skip: !process.env['KAFKA_BROKERS'] && 'needs the broker npm test starts', timeout: 600_000 },
  async () => {
    const workDir = realpathSync(mkdtempSync(join(tmpdir(), 'relais-kit-')));
    try {
      const tarball = await packKitInto(workDir);
      const project = join(workDir, 'library-connector');
      await installKit(project, tarball);
      assertSelfContained(project);
      writeConnector(project);

      const typecheck = await typecheckConnector(project);
      assert.equal(typecheck.code, 0, `tsc:\n${typecheck.output}`);

      const { code, output } = await runConformance(project);
      assert.equal(code, 0, output);
      assert.match(output, new RegExp(`${SYSTEM}: sink conformance`));
      assert.match(output, /ℹ fail 0/);
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  },
);
