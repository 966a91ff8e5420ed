/**
 * The CLI's typed client of the gateway API (types generated from gateway/openapi.yaml). Where
 * and as whom: --url or RELAIS_GATEWAY_URL (default the quick start's); --token, RELAIS_TOKEN,
 * RELAIS_DEV_TOKEN, or the quick start's generated credential (RELAIS_DATA_DIR/dev-token).
 * Every failure becomes one CliError line: a problem's status, code, detail and field errors,
 * or why the gateway could not be reached.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import createClient from 'openapi-fetch';
import { readSetting } from '../../core/config.ts';
import type { components, paths } from '../../gateway/generated/api.ts';
import { CliError, type Io } from './io.ts';

type Problem = components['schemas']['Problem'];
export type Gateway = ReturnType<typeof createClient<paths>>;

export interface GatewayOptions {
  url?: string;
  token?: string;
}

/** Adds --url and --token to a command that talks to the gateway. */
export function withGateway(command: Command): Command {
  return command
    .option('--url <url>', 'gateway base URL (default RELAIS_GATEWAY_URL or http://127.0.0.1:8080)')
    .option('--token <token>', "bearer credential (default RELAIS_TOKEN, RELAIS_DEV_TOKEN, or the quick start's)");
}

function tokenOf(io: Io, options: GatewayOptions): string {
  const token = options.token ?? readSetting('token', io.env) ?? readSetting('devToken', io.env);
  if (token) return token;
  const generated = join(readSetting('dataDir', io.env), 'dev-token');
  if (existsSync(generated)) return readFileSync(generated, 'utf8').trim();
  throw new CliError('no credential: set RELAIS_TOKEN or pass --token (the quick start prints a dev credential)', 2);
}

export interface Connection {
  url: string;
  http: Gateway;
}

export function connect(io: Io, options: GatewayOptions): Connection {
  const url = (options.url ?? readSetting('gatewayUrl', io.env)).replace(/\/$/, '');
  const token = tokenOf(io, options);
  return { url, http: createClient<paths>({ baseUrl: url, headers: { authorization: `Bearer ${token}` } }) };
}

function describeProblem(status: number, body: unknown): string {
  const problem = (body ?? {}) as Partial<Problem>;
  const fields = (problem.errors ?? []).map((e) => `${e.field} ${e.message}`).join('; ');
  return [`${status} ${problem.code ?? ''}`.trim(), problem.detail ?? problem.title, fields].filter(Boolean).join(': ');
}

/** Runs one call; its data, or a CliError saying what was being done and why it failed. */
export async function call<T>(
  connection: Connection,
  action: string,
  request: () => Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let outcome: { data?: T; error?: unknown; response: Response };
  try {
    outcome = await request();
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new CliError(`${action}: cannot reach the gateway at ${connection.url} (${reason})`);
  }
  if (outcome.data === undefined || !outcome.response.ok)
    throw new CliError(`${action}: ${describeProblem(outcome.response.status, outcome.error)}`);
  return outcome.data;
}
