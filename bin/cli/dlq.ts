/**
 * `relais dlq list <system>` and `relais dlq replay <system> --event <id> | --all`, through the
 * gateway's operations endpoints (GET/POST /v1/systems/{system}/dead-letters…), which read the
 * system's DLQ topic, re-drive the original deliveries and write one audit entry per replay.
 * Replay once the cause is fixed (the silo is back, the mapping corrected): the connector
 * applies the delivery again and the change's status follows its receipt.
 */
import type { Command } from 'commander';
import type { components } from '../../gateway/generated/api.ts';
import { call, connect, withGateway, type GatewayOptions } from './gateway-client.ts';
import { CliError, printJson, type Io } from './io.ts';

type DeadLetter = components['schemas']['DeadLetter'];

function printDeadLetters(io: Io, system: string, letters: DeadLetter[]): void {
  if (letters.length === 0) return io.out(`no dead letters for ${system}`);
  for (const d of letters) {
    const replayed = d.replayedAt ? `, replayed ${d.replayedAt}` : '';
    io.out(
      `${d.eventId ?? `(poison at ${d.partition}:${d.offset})`}  ${d.status}${replayed}  ${d.type ?? ''}  ${d.failedAt ?? ''}  ${d.code}: ${d.error}`,
    );
  }
  const waiting = letters.filter((d) => d.status === 'dead_lettered').length;
  io.out(`${waiting} of ${letters.length} still dead-lettered (relais dlq replay ${system} --all)`);
}

export function defineDlq(dlq: Command, io: Io): void {
  withGateway(dlq.command('list'))
    .description('dead letters of one system, with what became of each since')
    .argument('<system>', 'a system declared in the flows')
    .option('--json', "print the gateway's answer")
    .action(async (system: string, options: GatewayOptions & { json?: boolean }) => {
      const connection = connect(io, options);
      const answer = await call(connection, `listing ${system}'s dead letters`, () =>
        connection.http.GET('/v1/systems/{system}/dead-letters', { params: { path: { system } } }),
      );
      if (options.json) printJson(io, answer);
      else printDeadLetters(io, system, answer.deadLetters);
    });

  withGateway(dlq.command('replay'))
    .description('re-drive dead letters to their system (each replay is audited); needs the admin scope')
    .argument('<system>', 'a system declared in the flows')
    .option('--event <id...>', 'the event id(s) to re-drive')
    .option('--all', 'every dead letter still dead-lettered')
    .option('--json', "print the gateway's answer")
    .action(async (system: string, options: GatewayOptions & { event?: string[]; all?: boolean; json?: boolean }) => {
      if (Boolean(options.all) === Boolean(options.event?.length)) throw new CliError('give --event <id> or --all (not both)', 2);
      const connection = connect(io, options);
      const body = options.all ? { all: true as const } : { eventIds: options.event! };
      const result = await call(connection, `replaying ${system}'s dead letters`, () =>
        connection.http.POST('/v1/systems/{system}/dead-letters/replay', { params: { path: { system } }, body }),
      );
      if (options.json) printJson(io, result);
      else {
        for (const id of result.replayed) io.out(`replayed ${id}`);
        for (const s of result.skipped) io.err(`skipped ${s.eventId}: ${s.reason}`);
        io.out(
          `${result.replayed.length} replayed to ${system}, ${result.skipped.length} skipped (follow them: relais changes status <id> --wait)`,
        );
      }
      // Asked for events and none could be re-driven: a script must notice.
      if (result.replayed.length === 0 && result.skipped.length > 0) throw new CliError(undefined, 1);
    });
}
