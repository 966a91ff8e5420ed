/**
 * The quick start's simulators: every silos/<name>/simulator.ts (discovered, never named here),
 * each with its data under <data dir>/silos/<name> and its demo data. What they return points the
 * connectors started next in the same process at them: their environment (URLs, generated
 * credentials, the tax office's key) overlays the quick start's.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../core/free-port.ts';
import { readSettings, type Env } from '../core/settings.ts';
import type { BannerLines, RunningSimulator, SimulatorDefinition } from '../silos/shared/simulators.ts';

export interface RunningSimulators {
  /** By name; a simulator that was not needed (its connector is pointed at a real system) is absent. */
  running: ReadonlyMap<string, RunningSimulator>;
  urls: Record<string, string>;
  /** Every simulator's environment for its connector, merged. */
  connectorEnv: Record<string, string>;
  banner(relais: { gatewayUrl: string; devToken: string }): BannerLines[];
  stop(): Promise<void>;
}

/** A secret generated once per data directory (kept in a 0600 file), so restarts keep it. */
export function persistentSecret(dataDir: string, name: string, prefix: string): string {
  const file = join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = `${prefix}${randomBytes(18).toString('base64url')}`;
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/**
 * `env` with `extra` over it. A variable set here wins over the same variable given as a file
 * (`<VAR>_FILE`), which is dropped: setting both would be refused as ambiguous.
 */
export function overlay(env: Env, extra: Record<string, string>): Env {
  const merged: Env = { ...env };
  for (const [name, value] of Object.entries(extra)) {
    merged[name] = value;
    delete merged[`${name}_FILE`];
  }
  return merged;
}

/** Starts one simulator as the quick start does; null when it is not needed. */
export function startSimulator(simulator: SimulatorDefinition, env: Env, dataDir: string): Promise<RunningSimulator | null> {
  return simulator.start({
    dataDir: join(dataDir, 'silos', simulator.name),
    settings: readSettings(simulator.settings, env),
    env,
    secret: (name, prefix) => persistentSecret(dataDir, name, prefix),
    freePort,
  });
}

/** Starts the simulators one after the other; if one fails, those already started are stopped. */
export async function startSimulators(simulators: readonly SimulatorDefinition[], env: Env, dataDir: string): Promise<RunningSimulators> {
  const running = new Map<string, RunningSimulator>();
  const stop = async (): Promise<void> => {
    for (const simulator of [...running.values()].reverse()) await simulator.stop();
    running.clear();
  };
  try {
    for (const simulator of simulators) {
      const started = await startSimulator(simulator, env, dataDir);
      if (started) running.set(simulator.name, started);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const all = [...running.values()];
  return {
    running,
    urls: Object.assign({}, ...all.map((s) => s.urls)) as Record<string, string>,
    connectorEnv: Object.assign({}, ...all.map((s) => s.connectorEnv)) as Record<string, string>,
    banner: (relais) => all.flatMap((s) => s.banner(relais)),
    stop,
  };
}
