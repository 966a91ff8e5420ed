/**
 * docker-compose.yml, checked without a Docker engine: every service built from the Dockerfile
 * is started as a plain process (the image's entry point + the service's command, the image's
 * ENV + the service's environment, addresses made local: the test broker, a fresh PostgreSQL
 * database, a fresh MariaDB vendor database, free ports, the secrets written by
 * infra/compose/secrets.ts), in depends_on order; each must pass its own healthcheck, run as
 * written, and stop cleanly on SIGTERM. Infrastructure images are checked for a healthcheck and
 * a restart policy. `docker-compose config -q` itself runs in CI (.ci/run).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runnableSystems } from '../connectors/host.ts';
import { loadConnectors } from '../connectors/loader.ts';
import { builtInConnectors } from '../connectors/registry.ts';
import { loadFlows } from '../core/flows/flows.ts';
import {
  copiedPaths,
  isNodeService,
  localEnvironment,
  localHealthcheck,
  readCompose,
  readDockerfile,
  runtimeImports,
  startOrder,
  type LocalContext,
  type PortMap,
} from './support/compose.ts';
import { createTestDatabase, freePort, testBrokers, type TestDatabase, uniquePrefix } from '@relais/connector-kit/testing';
import { createWasteVendorDatabase, type VendorDatabase } from './support/vendor-databases.ts';

const compose = readCompose();
const dockerfile = readDockerfile();
const nodeServices = Object.entries(compose.services)
  .filter(([, s]) => isNodeService(s))
  .map(([name]) => name);
const run = promisify(execFile);

interface Running {
  name: string;
  child: ChildProcess;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const root = mkdtempSync(join(tmpdir(), 'relais-compose-'));
const running: Running[] = [];
let database: TestDatabase;
let vendor: VendorDatabase;

before(async () => {
  [database, vendor] = await Promise.all([createTestDatabase('postgres'), createWasteVendorDatabase('mariadb')]);
});

after(async () => {
  for (const r of running) r.child.kill('SIGKILL');
  await Promise.all([database?.drop(), vendor?.drop()]);
  rmSync(root, { recursive: true, force: true });
});

test('every simulator and every connector of the shipped flows has its compose service', async () => {
  const commands = nodeServices.map((name) => (compose.services[name]!.command ?? []).join(' '));
  for (const silo of readdirSync('silos').filter((d) => existsSync(join('silos', d, 'main.ts')))) {
    assert.ok(commands.includes(`silos/${silo}/main.ts`), `a service runs the ${silo} simulator`);
  }
  for (const system of runnableSystems(loadFlows('flows'), await loadConnectors({}))) {
    assert.ok(commands.includes(`bin/relais.ts connector ${system}`), `a service runs the ${system} connector`);
  }
  for (const part of ['gateway', 'router']) assert.ok(commands.includes(`bin/relais.ts ${part}`), `a service runs the ${part}`);
  for (const name of nodeServices) {
    const script = compose.services[name]!.command?.[0];
    assert.ok(script && existsSync(script), `${name}: its command's script ${script} exists`);
  }
});

test('every service has a healthcheck and a restart policy; infrastructure runs images', () => {
  for (const [name, service] of Object.entries(compose.services)) {
    assert.ok(service.healthcheck?.test?.length, `${name} has a healthcheck`);
    assert.ok(service.restart && service.restart !== 'no', `${name} has a restart policy`);
    if (!isNodeService(service)) assert.ok(service.image, `${name} runs an image`);
  }
});

test('each service mounts exactly the secrets its environment names, and every secret comes from the git-ignored secrets/', () => {
  for (const [name, service] of Object.entries(compose.services)) {
    const named = Object.values(service.environment ?? {}).flatMap((v) => /^\/run\/secrets\/(.+)$/.exec(String(v))?.[1] ?? []);
    assert.deepEqual(
      [...new Set(named)].sort(),
      [...(service.secrets ?? [])].sort(),
      `${name}: secrets mounted = secrets named in its environment`,
    );
  }
  for (const [name, secret] of Object.entries(compose.secrets ?? {})) {
    assert.match(secret.file, /^\.\/secrets\//, `secret ${name} comes from secrets/`);
  }
  assert.ok(readFileSync('.gitignore', 'utf8').split('\n').includes('/secrets/'), 'secrets/ is git-ignored');
  assert.ok(readFileSync('.dockerignore', 'utf8').split('\n').includes('secrets'), 'secrets/ stays out of the build context');
});

test('the image holds what its services load: copied sources and production dependencies only', () => {
  const copied = copiedPaths();
  const { dependencies = {} } = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies?: Record<string, string> };
  // The connectors are imported by module name (connectors/loader.ts), not by a static import to follow.
  const connectorModules = builtInConnectors.map((module) => join('connectors', module));
  for (const name of nodeServices) {
    const script = compose.services[name]!.command![0]!;
    const loaded = [script, ...(script === 'bin/relais.ts' ? connectorModules : [])].map(runtimeImports);
    const files = [...new Set(loaded.flatMap((l) => l.files))];
    const packages = [...new Set(loaded.flatMap((l) => l.packages))];
    const missing = files.filter((f) => !copied.some((c) => f === c || f.startsWith(`${c}/`)));
    assert.deepEqual(missing, [], `${name} loads files the Dockerfile does not copy`);
    const devOnly = packages.filter((p) => !(p in dependencies));
    assert.deepEqual(devOnly, [], `${name} imports packages that are not production dependencies`);
  }
});

/** Writes the secrets as the compose file expects them, with the test's own databases in the URLs. */
async function writeSecrets(): Promise<string> {
  const generated = join(root, 'generated');
  await run(process.execPath, ['infra/compose/secrets.ts', generated]);
  writeFileSync(join(generated, 'database_url'), `${database.url}\n`);
  writeFileSync(join(generated, 'waste_database_url'), `${vendor.url}\n`);
  // Mounted as /run/secrets/<secret name>: the same layout here.
  const mounted = join(root, 'run-secrets');
  mkdirSync(mounted);
  for (const [name, secret] of Object.entries(compose.secrets ?? {})) {
    const file = join(generated, secret.file.replace(/^\.\/secrets\//, ''));
    assert.ok(existsSync(file), `infra/compose/secrets.ts writes ${secret.file}`);
    await run('cp', [file, join(mounted, name)]);
  }
  return mounted;
}

async function allocatePorts(): Promise<PortMap> {
  const ports: PortMap = new Map();
  for (const name of nodeServices) {
    const own = new Map<string, number>();
    for (const port of compose.services[name]!.expose ?? []) own.set(String(port), await freePort('127.0.0.1'));
    ports.set(name, own);
  }
  return ports;
}

function start(name: string, context: LocalContext): Running {
  const service = compose.services[name]!;
  const environment = Object.fromEntries(Object.entries({ ...dockerfile.env, ...service.environment }).map(([k, v]) => [k, String(v)]));
  const dataDir = join(root, 'data', name);
  mkdirSync(dataDir, { recursive: true });
  const env = localEnvironment(name, environment, { ...context, dataDir });
  const [program, ...args] = [...dockerfile.entrypoint, ...(service.command ?? [])];
  assert.equal(program, 'node', `${name}: the image's entry point runs node`);
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env['PATH'] ?? '', HOME: root, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer): void => {
    output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    output.splice(0, Math.max(0, output.length - 50));
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { name, child, output, exited };
}

/** What the healthcheck probes, probed from here (cheap to repeat, unlike a node process). */
async function probe(target: string): Promise<boolean> {
  if (/^\d+$/.test(target)) {
    return new Promise((resolve) => {
      const socket = connect(Number(target), '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true))).once('error', () => resolve(false));
    });
  }
  return fetch(target, { signal: AbortSignal.timeout(5000) }).then(
    (r) => r.ok,
    () => false,
  );
}

/**
 * Waits until what the service's healthcheck probes answers, then runs the healthcheck command
 * itself once: it must pass. Fails when the process exits first.
 */
async function healthy(r: Running, check: string[], timeoutMs: number): Promise<void> {
  let exit: { code: number | null } | undefined;
  void r.exited.then((e) => (exit = e));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exit) assert.fail(`${r.name} exited (${exit.code}) before it was healthy:\n${r.output.slice(-15).join('\n')}`);
    if (await probe(check.at(-1)!)) break;
    if (Date.now() > deadline) assert.fail(`${r.name} not healthy after ${timeoutMs} ms:\n${r.output.slice(-15).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await run(process.execPath, check, { timeout: 30_000 }).catch((error: unknown) =>
    assert.fail(`${r.name}: its healthcheck command fails: ${String(error)}`),
  );
}

async function stopped(r: Running): Promise<void> {
  r.child.kill('SIGTERM');
  const timeout = setTimeout(() => r.child.kill('SIGKILL'), 30_000);
  const exit = await r.exited;
  clearTimeout(timeout);
  assert.deepEqual(exit, { code: 0, signal: null }, `${r.name} stops cleanly on SIGTERM:\n${r.output.slice(-10).join('\n')}`);
}

test(
  'every Node service starts as a plain process with its compose command, passes its healthcheck and stops on SIGTERM',
  { timeout: 300_000 },
  async () => {
    const ports = await allocatePorts();
    const context: LocalContext = {
      ports,
      kafkaBrokers: testBrokers().join(','),
      secretsDir: await writeSecrets(),
      dataDir: '',
      topicPrefix: uniquePrefix('compose'),
    };
    const order = startOrder(compose.services);
    assert.deepEqual([...order].sort(), [...nodeServices].sort(), 'every Node service is started');

    const ready = new Map<string, Promise<void>>();
    const started = Date.now();
    const timings: Record<string, number> = {};
    for (const name of order) {
      const service = compose.services[name]!;
      const dependencies = Object.keys(service.depends_on ?? {}).flatMap((d) => ready.get(d) ?? []);
      ready.set(
        name,
        (async () => {
          await Promise.all(dependencies);
          const r = start(name, context);
          running.push(r);
          await healthy(r, localHealthcheck(name, service.healthcheck?.test ?? [], ports), 150_000);
          timings[name] = Date.now() - started;
        })(),
      );
    }
    await Promise.all(ready.values());

    // Stop as `docker-compose down` does: a service only once nothing still running depends on it.
    let left = [...running];
    while (left.length > 0) {
      const needed = new Set(left.flatMap((r) => Object.keys(compose.services[r.name]!.depends_on ?? {})));
      const wave = left.filter((r) => !needed.has(r.name));
      await Promise.all(wave.map((r) => stopped(r)));
      left = left.filter((r) => !wave.includes(r));
    }
    console.log(`healthy after (ms from the first start): ${JSON.stringify(timings)}`);
  },
);
