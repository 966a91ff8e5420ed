/**
 * Settings declared as data: each one has its environment variable, default, parser and
 * description, so validation, types and the configuration reference (docs/configuration.md) all
 * derive from one table. The kernel's table is core/config.ts; each connector declares its own
 * in its `config.ts` (through the kit's `defineSettings`), each simulator in `silos/<name>/settings.ts`.
 * Every problem is reported at once, naming the variable, instead of failing on the first.
 */
import { readFileSync } from 'node:fs';
import { RelaisError } from './errors.ts';

export type Parser<T> = (raw: string) => T;

export interface Setting<T> {
  env: string;
  description: string;
  /** Undefined means optional with no value; a string is parsed like a set variable. */
  default?: string;
  parse: Parser<T>;
  /**
   * Secrets are never echoed back in errors or docs, and may instead be read from a file named
   * by `<env>_FILE` (a container secret under /run/secrets), so they stay out of images and of
   * the process environment.
   */
  secret?: boolean;
}

export type SettingsTable = Record<string, Setting<unknown>>;

type ValueOf<S> = S extends Setting<infer T> ? T : never;

/** The parsed values of a table: a setting with a default always has a value, one without may be undefined. */
export type SettingValues<T extends SettingsTable> = {
  [K in keyof T]: T[K] extends { default: string } ? ValueOf<T[K]> : ValueOf<T[K]> | undefined;
};

export type Env = Record<string, string | undefined>;

/**
 * Declares a settings table. The identity function, there for its types: each entry is checked
 * as a Setting and keeps its own value type, so `SettingValues<typeof table>` is exact.
 */
export function defineSettings<const T extends SettingsTable>(table: T): T {
  return table;
}

export function integer(min: number, max: number): Parser<number> {
  return (raw) => {
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new Error(`expected an integer from ${min} to ${max}`);
    }
    return value;
  };
}

/** A TCP port; 0 asks the system for a free one. */
export const port: Parser<number> = integer(0, 65535);

export const text: Parser<string> = (raw) => {
  if (raw.trim() === '') throw new Error('expected a non-empty value');
  return raw.trim();
};

export function oneOf<const T extends string>(...values: T[]): Parser<T> {
  return (raw) => {
    if (!(values as string[]).includes(raw)) throw new Error(`expected one of ${values.join(', ')}`);
    return raw as T;
  };
}

/** A URL whose scheme is one of `protocols` (with their colon), returned as given. */
function urlWith(protocols: string[], expected: string): Parser<string> {
  return (raw) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new Error(`expected ${expected}`);
    }
    if (!protocols.includes(url.protocol)) throw new Error(`expected ${expected}`);
    return raw;
  };
}

export const postgresUrl: Parser<string> = urlWith(['postgres:', 'postgresql:'], 'a postgres:// URL');

/** An http(s) URL, without its trailing slash (base URLs are joined with paths). */
export const httpUrl: Parser<string> = (raw) => urlWith(['http:', 'https:'], 'an http(s):// URL')(raw).replace(/\/$/, '');

export const sqlUrl: Parser<string> = urlWith(
  ['mariadb:', 'mysql:', 'postgres:', 'postgresql:'],
  'a mariadb://, mysql:// or postgres:// URL',
);

export const smtpUrl: Parser<string> = urlWith(['smtp:', 'smtps:'], 'an smtp:// or smtps:// URL');

/** Comma-separated values, each checked by `item`; at least one. */
export function list<T>(item: Parser<T>, expected: string): Parser<T[]> {
  return (raw) => {
    const values = raw
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
    if (values.length === 0) throw new Error(`expected ${expected}`);
    return values.map(item);
  };
}

/** The variables of `table` that hold secrets (each also readable from `<VAR>_FILE`). */
export function secretVariables(table: SettingsTable): string[] {
  return Object.values(table)
    .filter((s) => s.secret)
    .map((s) => s.env);
}

/**
 * The environment with every secret given as `<VAR>_FILE` read into `<VAR>` (the file's content,
 * trailing newlines removed). Setting both is a mistake, as is a file that cannot be read; each
 * is one problem naming the variable.
 */
export function resolveSecretFiles(env: Env, secrets: readonly string[]): { env: Env; problems: string[] } {
  const resolved: Env = { ...env };
  const problems: string[] = [];
  for (const name of new Set(secrets)) {
    const file = env[`${name}_FILE`];
    if (file === undefined || file === '') continue;
    if (env[name] !== undefined && env[name] !== '') {
      problems.push(`${name}_FILE: ${name} is set too; set one of them`);
      continue;
    }
    try {
      resolved[name] = readFileSync(file, 'utf8').replace(/[\r\n]+$/, '');
    } catch (error) {
      problems.push(
        `${name}_FILE=${JSON.stringify(file)}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
    }
  }
  return { env: resolved, problems };
}

/** One setting's value from the environment (its default when unset); throws a one-line reason. */
export function parseSetting(setting: Setting<unknown>, env: Env): unknown {
  const raw = env[setting.env];
  const value = raw === undefined || raw === '' ? setting.default : raw;
  if (value === undefined) return undefined;
  try {
    return setting.parse(value);
  } catch (error) {
    throw new Error(`${setting.env}=${setting.secret ? '(hidden)' : JSON.stringify(value)}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Every setting of `table` from an environment whose secret files are already resolved: the
 * values, and one line per problem (the caller gathers the problems of several tables).
 */
export function parseSettings<T extends SettingsTable>(table: T, env: Env): { values: SettingValues<T>; problems: string[] } {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, setting] of Object.entries(table)) {
    try {
      values[key] = parseSetting(setting, env);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return { values: values as SettingValues<T>, problems };
}

/** The one error for a configuration with problems: every problem, one per line. */
export function invalidConfiguration(problems: readonly string[]): RelaisError {
  return new RelaisError('CONFIG_INVALID', `invalid configuration:\n  ${problems.join('\n  ')}`);
}

/**
 * Reads and validates one table on its own (a simulator's, or a connector's in its tests):
 * secrets may come from `<VAR>_FILE`; throws one CONFIG_INVALID error listing every problem.
 */
export function readSettings<T extends SettingsTable>(table: T, rawEnv: Env = process.env): SettingValues<T> {
  const { env, problems } = resolveSecretFiles(rawEnv, secretVariables(table));
  const parsed = parseSettings(table, env);
  problems.push(...parsed.problems);
  if (problems.length > 0) throw invalidConfiguration(problems);
  return parsed.values;
}
