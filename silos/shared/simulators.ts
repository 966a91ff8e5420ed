/**
 * A simulator's standard entry, `silos/<name>/simulator.ts`, whose default export is a
 * SimulatorDefinition: its settings, its demo persons, and how the quick start runs it in its own
 * process (start → its URLs, the environment its connector needs to reach it, its banner lines).
 * The quick start, the end-to-end tests and the configuration reference find the simulators by
 * listing those files (discoverSimulators), so nothing outside a silo's folder names it: adding
 * or removing a silo never edits bin/. `silos/<name>/main.ts` runs the same simulator as a process
 * of its own (docker-compose), reading the same settings.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Env, SettingValues, SettingsTable } from '../../core/settings.ts';

/**
 * The quick start's demo persons, known to several silos under their own identifiers: the
 * quick start links each person's identifiers to one pivot id (bin/demo-identities.ts), so the
 * demo move reaches every silo. jeanne-martin is Jeanne Marie Martin, the demo citizen who
 * moves and dies in the banner's demos; paul-nguyen heads the household recorded at the
 * social-services desk; jean-pierre-bernard (born in Lyon) is the homonym the civil-data example decides for.
 */
export type DemoPerson = 'jeanne-martin' | 'paul-nguyen' | 'jean-pierre-bernard';

export interface SimulatorContext<S> {
  /** Where it keeps its data: <RELAIS_DATA_DIR>/silos/<name>. */
  dataDir: string;
  /** Its own settings, parsed (silos/<name>/settings.ts). */
  settings: S;
  /**
   * The quick start's environment, as given: a simulator reads there whether its connector is
   * pointed at a real system instead (EMAIL_SMTP_URL), never its connector's values otherwise.
   */
  env: Env;
  /** A secret generated once per data directory and kept (0600), so a restart keeps it. */
  secret: (name: string, prefix: string) => string;
  /** A port free right now on `host` (for an address the simulator must know before it starts). */
  freePort: (host: string) => Promise<number>;
}

/**
 * Lines of the quick start's banner. The banner sorts every simulator's entries by rank, between
 * its own header and footer: 100–199 the list of what runs, 200–299 the demo move and where to
 * see it, 300 and above one paragraph per further demo (starting with an empty line), each
 * followed by the checks other silos add to it (a paragraph's rank + 10, + 20…).
 */
export interface BannerLines {
  rank: number;
  lines: string[];
}

export interface RunningSimulator {
  /** Where people and tests reach it, by system name (the banner's and the tests' `siloUrls`). */
  urls: Record<string, string>;
  /** What its connector must be told to reach it (e.g. SCHOOL_CATERING_URL), over the environment. */
  connectorEnv: Record<string, string>;
  /** Its banner lines, once the gateway runs. */
  banner(relais: { gatewayUrl: string; devToken: string }): BannerLines[];
  /** The simulator's own handle (its store, its SQL client…), for end-to-end tests. */
  instance: unknown;
  stop(): Promise<void>;
}

export interface SimulatorDefinition<T extends SettingsTable = SettingsTable> {
  /** Its folder's name: also its system in flows/ and its connector's kind. */
  name: string;
  /** Its environment variables (docs/configuration.md lists them under its name). */
  settings: T;
  /** The demo persons its demo data holds, with its own identifier of each. */
  demoIdentities?: Partial<Record<DemoPerson, string>>;
  /**
   * Starts it for the quick start, with its demo data; null when it is not needed (its
   * connector is pointed at a real system). Throws when it cannot start; whatever it started
   * before throwing is closed.
   */
  start(context: SimulatorContext<SettingValues<T>>): Promise<RunningSimulator | null>;
}

const silosDir = fileURLToPath(new URL('..', import.meta.url));

function problemsOf(value: unknown, name: string): string[] {
  if (typeof value !== 'object' || value === null) return ['its default export is not a simulator definition'];
  const d = value as Record<string, unknown>;
  return [
    ...(d['name'] === name ? [] : [`its name must be "${name}", its folder's`]),
    ...(typeof d['settings'] === 'object' && d['settings'] !== null ? [] : ['it declares no settings table']),
    ...(typeof d['start'] === 'function' ? [] : ['it has no start()']),
  ];
}

/** Every silos/<name>/simulator.ts, by folder name, each checked. */
export async function discoverSimulators(dir: string = silosDir): Promise<SimulatorDefinition[]> {
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'simulator.ts')))
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const module = (await import(pathToFileURL(join(dir, name, 'simulator.ts')).href)) as { default?: unknown };
      const problems = problemsOf(module.default, name);
      if (problems.length > 0) throw new Error(`silos/${name}/simulator.ts: ${problems.join('; ')}`);
      return module.default as SimulatorDefinition;
    }),
  );
}
