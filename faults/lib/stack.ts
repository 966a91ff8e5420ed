/**
 * A Relais for one fault scenario, every part its own process as deployed: the gateway, the
 * router, one connector per silo (by default social-services over REST and waste-management over
 * SQL; a scenario may name its own, such as tax over SFTP), each silo's simulator; its own PostgreSQL database reached through a TCP proxy (so the
 * store can be cut or blackholed), its own topic prefix on the shared 3-broker cluster, with
 * replication 3 and min.insync.replicas 2. Any part can be SIGKILLed and started again.
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresDatabase, faultProxy, type FaultProxy } from '@relais/connector-kit/testing';
import { freePort } from '../../core/free-port.ts';
import type { Db } from '../../core/store/db.ts';
import { answers, startPart, type Part } from '../../bench/lib/processes.ts';
import { siloBenches, taxOffice, type RunningSilo } from '../../bench/lib/silos.ts';
import { copyRights } from '../../test/support/rights.ts';

export const serverUrl = process.env['FAULTS_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const token = 'faults-token';
/** The silos the suite can judge from their own side: REST, SQL, SFTP batch files. */
export type System = 'social-services' | 'waste-management' | 'tax';
/** The silos of a scenario that names none: one REST, one SQL. */
export const SYSTEMS: readonly System[] = ['social-services', 'waste-management'];

export interface FaultStack {
  prefix: string;
  env: Record<string, string>;
  /** Direct to PostgreSQL (the harness's own view, never through the proxy). */
  db: Db;
  storeProxy: FaultProxy;
  gatewayUrl: string;
  citizens: { index: number; pivotId: string }[];
  /** The systems routed to, each with its connector and silo. */
  systems: readonly System[];
  silos: Map<System, RunningSilo>;
  /** A part by name: gateway, router, connector:<system>. */
  part(name: string): Part;
  /** Starts a part again (after kill() or stop()), with the same settings. */
  restart(name: string): Promise<Part>;
  stop(): Promise<void>;
}

export interface StackOptions {
  brokers: string;
  name: string;
  citizens: number;
  /** The systems routed to (default SYSTEMS). */
  systems?: readonly System[];
  /** Extra settings for every Relais part. */
  env?: Record<string, string>;
}

export async function startFaultStack(options: StackOptions): Promise<FaultStack> {
  const prefix = `faults-${options.name}-${Date.now().toString(36)}`;
  const database = await createPostgresDatabase({ name: prefix.replaceAll('-', '_'), server: serverUrl });
  const dbUrl = new URL(database.url);
  const storeProxy = await faultProxy({ host: dbUrl.hostname, port: Number(dbUrl.port || 5432) });
  const proxied = new URL(database.url);
  proxied.host = `${storeProxy.host}:${storeProxy.port}`;
  const systems = options.systems ?? SYSTEMS;
  const flowsDir = mkdtempSync(join(tmpdir(), 'relais-faults-flows-'));
  const flowFiles = systems.map((system) => `${system}.yaml`);
  for (const file of flowFiles) copyFileSync(join('flows', file), join(flowsDir, file));
  // The gateway refuses to start without a rights file, or with one naming a system left out.
  copyRights(flowsDir, flowFiles);
  const stops: (() => Promise<void>)[] = [
    () => database.drop(),
    () => storeProxy.close(),
    async () => rmSync(flowsDir, { recursive: true, force: true }),
  ];
  const parts = new Map<string, { part: Part; start: () => Promise<Part> }>();
  const stop = async (): Promise<void> => {
    for (const { part } of parts.values()) await part.stop().catch(() => undefined);
    for (const step of stops.reverse()) await step().catch((error: unknown) => console.error(`faults: stopping: ${String(error)}`));
  };
  try {
    const port = await freePort();
    const env: Record<string, string> = {
      KAFKA_BROKERS: options.brokers,
      DATABASE_URL: proxied.toString(),
      RELAIS_TOPIC_PREFIX: prefix,
      RELAIS_TOPIC_REPLICATION: '3',
      RELAIS_TOPIC_MIN_ISR: '2',
      RELAIS_FLOWS_DIR: flowsDir,
      RELAIS_DEV_TOKEN: token,
      // One credential drives the whole load: the per-credential rate limit would measure itself.
      RELAIS_RATE_LIMIT_PER_MINUTE: '10000000',
      CIVIL_REGISTRY_PASSWORD: 'faults',
      PORT: String(port),
      LOG_LEVEL: 'info',
      ...options.env,
    };
    const benches = [...siloBenches, taxOffice].filter((bench) => (systems as readonly string[]).includes(bench.system));
    const running = await Promise.all(benches.map((bench) => bench.start(serverUrl)));
    running.forEach((silo) => stops.push(() => silo.stop()));
    const citizens = Array.from({ length: options.citizens }, (_, index) => ({ index, pivotId: randomUUID() }));
    await Promise.all(running.map((silo) => silo.prepare(database.db, citizens)));
    const gatewayUrl = `http://127.0.0.1:${port}`;

    const define = (name: string, args: string[], extra: Record<string, string>, ready: RegExp | (() => Promise<boolean>)) => {
      const start = async (): Promise<Part> => {
        const part = await startPart(name, 'bin/relais.ts', args, { ...env, RELAIS_OPS_PORT: String(await freePort()), ...extra }, ready);
        parts.set(name, { part, start });
        return part;
      };
      return start;
    };
    await Promise.all([
      define('gateway', ['gateway'], {}, answers(`${gatewayUrl}/healthz`))(),
      define('router', ['router'], {}, /router ready/)(),
      ...benches.map((bench, i) =>
        define(`connector:${bench.system}`, ['connector', bench.system], running[i]!.connectorEnv, /connector ready/)(),
      ),
    ]);
    return {
      prefix,
      env,
      db: database.db,
      storeProxy,
      gatewayUrl,
      citizens,
      systems,
      silos: new Map(benches.map((bench, i) => [bench.system as System, running[i]!])),
      part(name) {
        const entry = parts.get(name);
        if (!entry) throw new Error(`no part ${name}`);
        return entry.part;
      },
      async restart(name) {
        const entry = parts.get(name);
        if (!entry) throw new Error(`no part ${name}`);
        return entry.start();
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
