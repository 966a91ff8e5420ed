/**
 * `relais changes send` posts a change to the gateway (a JSON file, or flags) and prints its id
 * and recipients; `relais changes status <id>` prints its per-system status, and with --wait
 * polls until it settles (progress on a terminal). --json prints the gateway's answer as is.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import type { components } from '../../gateway/generated/api.ts';
import { call, connect, withGateway, type Connection, type GatewayOptions } from './gateway-client.ts';
import { CliError, printJson, type Io } from './io.ts';
import { startProgress } from './progress.ts';

type Change = components['schemas']['Change'];
type ChangeRequest = components['schemas']['ChangeRequest'];
type Channel = components['schemas']['Channel'];

interface SendOptions extends GatewayOptions {
  file?: string;
  type?: string;
  citizen?: string;
  pivotId?: string;
  channel: string;
  data?: string;
  recipient?: string[];
  idempotencyKey?: string;
  json?: boolean;
}

interface StatusOptions extends GatewayOptions {
  wait?: boolean;
  timeout: string;
  json?: boolean;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CliError(`${what} is not JSON: ${(error as Error).message}`, 2);
  }
}

function citizenOf(options: SendOptions): ChangeRequest['citizen'] {
  if (options.pivotId) return { pivotId: options.pivotId };
  const match = /^([a-z][a-z0-9-]{1,62}):(.+)$/.exec(options.citizen ?? '');
  if (!match) throw new CliError('name the citizen: --citizen <system>:<id> or --pivot-id <uuid>', 2);
  return { system: match[1]!, id: match[2]! };
}

/** The request body, from --file (`-` is stdin) or from the flags; the gateway validates it. */
function requestOf(options: SendOptions): ChangeRequest {
  if (options.file) {
    const body = parseJson(readFileSync(options.file === '-' ? 0 : options.file, 'utf8'), options.file);
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw new CliError(`${options.file}: expected a JSON object (a change request)`, 2);
    return body as ChangeRequest;
  }
  if (!options.type || !options.data) throw new CliError('give --file <change.json>, or --type, --citizen and --data', 2);
  return {
    type: options.type,
    citizen: citizenOf(options),
    channel: options.channel as Channel,
    data: parseJson(options.data, '--data') as ChangeRequest['data'],
    ...(options.recipient?.length ? { recipients: options.recipient } : {}),
  };
}

function printChange(io: Io, change: Change): void {
  io.out(`change ${change.id}: ${change.status}`);
  if (change.recipients.length === 0) io.out('  no recipients');
  for (const r of change.recipients) io.out(`  ${r.system}: ${r.status}${r.reason ? ` (${r.reason})` : ''}`);
}

const settledStatuses = new Set(['applied', 'rejected', 'superseded', 'dead_lettered', 'objected']);

function getChange(connection: Connection, id: string): Promise<Change> {
  return call(connection, `reading change ${id}`, () => connection.http.GET('/v1/changes/{id}', { params: { path: { id } } }));
}

/** Polls until the change is no longer in progress, or the time is up (exit 1). */
async function waitForChange(io: Io, connection: Connection, id: string, timeoutMs: number): Promise<Change> {
  let change = await getChange(connection, id);
  const progress = startProgress(io, Math.max(1, change.recipients.length), 'systems settled');
  const deadline = Date.now() + timeoutMs;
  try {
    while (change.status === 'in_progress') {
      progress.update(change.recipients.filter((r) => settledStatuses.has(r.status)).length, 'systems settled');
      if (Date.now() > deadline) throw new CliError(`change ${id} still in progress after ${timeoutMs / 1000} s`);
      await sleep(500);
      change = await getChange(connection, id);
    }
    return change;
  } finally {
    progress.stop();
  }
}

export function defineChanges(changes: Command, io: Io): void {
  withGateway(changes.command('send'))
    .description('post a change to the gateway; prints its id and recipients')
    .option('--file <path>', 'the change request as JSON (- reads stdin)')
    .option('--type <type>', 'event type, e.g. fr.relais.citizen.address.changed.v1')
    .option('--citizen <system:id>', "the citizen by a system's identifier, e.g. social-services:SS-000123")
    .option('--pivot-id <uuid>', 'the citizen by pivot id')
    .option('--channel <channel>', 'web, mobile, desk, mail, phone or email', 'desk')
    .option('--data <json>', 'the event data as JSON')
    .option('--recipient <system...>', "systems the citizen asks to inform (routes based on the citizen's request)")
    .option('--idempotency-key <key>', 'sent as Idempotency-Key (a retry with the same key is answered with the same change)')
    .option('--json', "print the gateway's answer")
    .action(async (options: SendOptions) => {
      const body = requestOf(options);
      const connection = connect(io, options);
      const headers = options.idempotencyKey ? { 'Idempotency-Key': options.idempotencyKey } : {};
      const change = await call(connection, 'posting the change', () => connection.http.POST('/v1/changes', { body, headers }));
      if (options.json) printJson(io, change);
      else printChange(io, change);
    });

  withGateway(changes.command('status'))
    .description("a change's status, system by system")
    .argument('<id>', 'the change id (printed by `changes send`)')
    .option('--wait', 'wait until every system settled (or the change is held for review)')
    .option('--timeout <seconds>', 'longest wait with --wait', '60')
    .option('--json', "print the gateway's answer")
    .action(async (id: string, options: StatusOptions) => {
      const timeout = Number(options.timeout);
      if (!Number.isFinite(timeout) || timeout <= 0) throw new CliError(`--timeout: "${options.timeout}" is not a number of seconds`, 2);
      const connection = connect(io, options);
      const change = options.wait ? await waitForChange(io, connection, id, timeout * 1000) : await getChange(connection, id);
      if (options.json) printJson(io, change);
      else printChange(io, change);
    });
}
