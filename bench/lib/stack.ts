/**
 * A Relais for one benchmark phase: its own PostgreSQL database and topic prefix, and the parts
 * as separate processes (as deployed): the gateway, and for the pipeline the router, one
 * connector per system with a simulator, and the simulators.
 */
import { randomUUID } from 'node:crypto';
import { loadFlows } from '../../core/flows/flows.ts';
import { subscribedSystems } from '../../core/flows/plan.ts';
import type { Db } from '../../core/store/db.ts';
import { createPostgresDatabase } from '@relais/connector-kit/testing';
import { freePort } from '../../core/free-port.ts';
import { answers, startPart, type Part } from './processes.ts';
import { backendPids, brokerPids, cpuMeter } from './cpu.ts';
import { mailbox, siloBenches, taxOffice, type RunningSilo } from './silos.ts';

export const serverUrl = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const token = 'bench-token';

export interface BenchStack {
  prefix: string;
  env: Record<string, string>;
  db: Db;
  gatewayUrl: string;
  gateway: Part;
  parts: Part[];
  /** Systems the pipeline delivers to (a simulator and a connector each). */
  systems: string[];
  /** Of `systems`, those that take files (a change waits for its window, then the acknowledgement). */
  batched: string[];
  /** Of `systems`, those that receive the citizen's notice once a change has settled, not the change (email). */
  notified: string[];
  /** Systems declared in the flows that the harness cannot run yet. */
  skipped: string[];
  citizens: { index: number; pivotId: string }[];
  /** The running simulators, by system. */
  silos: Map<string, RunningSilo>;
  stop(): Promise<void>;
}

/** The phase's own migrated database on the bench's PostgreSQL server. */
export function createDatabase(name: string): Promise<{ url: string; db: Db; drop(): Promise<void> }> {
  return createPostgresDatabase({ name, server: serverUrl });
}

export async function startBenchStack(options: {
  brokers: string;
  pipeline: boolean;
  citizens: number;
  name: string;
  /** Settings of this stack's processes (an A/B lever). */
  env?: Record<string, string>;
}): Promise<BenchStack> {
  const prefix = `bench-${options.name}-${Date.now().toString(36)}`;
  const database = await createDatabase(prefix.replaceAll('-', '_'));
  const stops: (() => Promise<void>)[] = [() => database.drop()];
  const parts: Part[] = [];
  const stop = async (): Promise<void> => {
    for (const step of stops.reverse()) await step().catch((error: unknown) => console.error(`bench: stopping: ${String(error)}`));
  };
  try {
    const port = await freePort();
    const env: Record<string, string> = {
      KAFKA_BROKERS: options.brokers,
      DATABASE_URL: database.url,
      RELAIS_TOPIC_PREFIX: prefix,
      RELAIS_DEV_TOKEN: token,
      // One credential drives the whole load: the per-credential rate limit would measure itself.
      RELAIS_RATE_LIMIT_PER_MINUTE: '10000000',
      // The gateway builds its civil-register client at start; the bench names citizens by pivot id or system id, never by civil data.
      CIVIL_REGISTRY_PASSWORD: 'bench',
      PORT: String(port),
      LOG_LEVEL: 'info',
      // The tax office takes a file per window: a short one, so a change waits for it about as
      // long as it crosses the rest of the pipeline, and acknowledgements are looked for often.
      RELAIS_TAX_BATCH_MAX_AGE_MS: '200',
      RELAIS_TAX_ACK_POLL_MS: '100',
      ...options.env,
    };
    const declared = subscribedSystems(loadFlows('flows'));
    const benches = options.pipeline ? [...siloBenches, taxOffice, mailbox].filter((s) => declared.includes(s.system)) : [];
    const silos: RunningSilo[] = await Promise.all(benches.map((bench) => bench.start(serverUrl)));
    for (const silo of silos) stops.push(() => silo.stop());
    const citizens = Array.from({ length: options.citizens }, (_, index) => ({ index, pivotId: randomUUID() }));
    await Promise.all(silos.map((silo) => silo.prepare(database.db, citizens)));
    // After prepare: a silo may start its process only once it knows the citizens (the tax office).
    for (const silo of silos) if (silo.part) parts.push(silo.part);

    const start = async (
      name: string,
      args: string[],
      extra: Record<string, string>,
      ready: RegExp | (() => Promise<boolean>),
    ): Promise<Part> => {
      const part = await startPart(name, 'bin/relais.ts', args, { ...env, RELAIS_OPS_PORT: String(await freePort()), ...extra }, ready);
      parts.push(part);
      stops.push(() => part.stop());
      return part;
    };
    const gatewayUrl = `http://127.0.0.1:${port}`;
    // Started side by side: each waits for its own readiness (the topics exist either way).
    const [gateway] = await Promise.all([
      start('gateway', ['gateway'], {}, answers(`${gatewayUrl}/healthz`)),
      ...(options.pipeline
        ? [
            start('router', ['router'], {}, /router ready/),
            ...benches.map((bench, i) =>
              start(`connector ${bench.system}`, ['connector', bench.system], silos[i]!.connectorEnv, /connector ready/),
            ),
          ]
        : []),
    ]);
    return {
      prefix,
      env,
      db: database.db,
      gatewayUrl,
      gateway,
      parts,
      systems: benches.map((b) => b.system),
      batched: benches.filter((b) => b.batched).map((b) => b.system),
      notified: benches.filter((b) => b.notices).map((b) => b.system),
      skipped: declared.filter((s) => !benches.some((b) => b.system === s)),
      citizens,
      silos: new Map(benches.map((b, i) => [b.system, silos[i]!])),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A CPU meter over a stack's processes by role: the Node parts, the PostgreSQL backends of its database, the broker. */
export function stackCpuMeter(stack: BenchStack, brokers: string): ReturnType<typeof cpuMeter> {
  const pidsOf = (test: (name: string) => boolean) => () => stack.parts.filter((p) => test(p.name)).map((p) => p.pid);
  return cpuMeter([
    { name: 'gateway', pids: pidsOf((n) => n === 'gateway') },
    { name: 'router', pids: pidsOf((n) => n === 'router') },
    { name: 'connectors', pids: pidsOf((n) => n.startsWith('connector ')) },
    { name: 'simulators', pids: pidsOf((n) => n.startsWith('silo ')) },
    { name: 'postgres', pids: () => backendPids(stack.db) },
    { name: 'broker', pids: () => brokerPids(brokers) },
  ]);
}
