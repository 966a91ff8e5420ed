/**
 * `relais dlq list <system>` and `relais dlq replay <system> --event <id> | --all`, through the
 * gateway's operations endpoints (GET/POST /v1/systems/{system}/dead-letters…), which read the
 * system's DLQ topic, re-drive the original deliveries and write one audit entry per replay.
 * Replay once the cause is fixed (the silo is back, the mapping corrected): the connector
 * applies the delivery again and the change's status follows its receipt.
 *
 * Two kinds are listed: `delivery` (the sink could not apply it) and `source` (the system's
 * source read a record it could not publish). `replay --source` re-drives source dead letters:
 * the connector maps the raw record again with its current code and publishes it, or
 * dead-letters it again with the new cause (follow it with `relais dlq list <system> --source`).
 */
import type { Command } from 'commander';
import type { components } from '../../gateway/generated/api.ts';
import { call, connect, withGateway, type GatewayOptions } from './gateway-client.ts';
import { CliError, printJson, type Io } from './io.ts';

type DeadLetter = components['schemas']['DeadLetter'];

function printLine(io: Io, d: DeadLetter): void {
  const replayed = d.replayedAt ? `, replayed ${d.replayedAt}` : '';
  const attempts = d.kind === 'source' && d.attempts > 1 ? `, ${d.attempts} attempts` : '';
  io.out(
    `${d.eventId ?? `(poison at ${d.partition}:${d.offset})`}  ${d.status}${replayed}${attempts}  ${d.type ?? ''}  ${d.failedAt ?? ''}  ${d.code}: ${d.error}`,
  );
}

/** Delivery dead letters, then source ones under their own heading, each with its count line. */
function printDeadLetters(io: Io, system: string, letters: DeadLetter[]): void {
  if (letters.length === 0) return io.out(`no dead letters for ${system}`);
  const deliveries = letters.filter((d) => d.kind === 'delivery');
  const records = letters.filter((d) => d.kind === 'source');
  const count = (list: DeadLetter[], status: DeadLetter['status']) => list.filter((d) => d.status === status).length;
  if (deliveries.length > 0) {
    for (const d of deliveries) printLine(io, d);
    const superseded = count(deliveries, 'superseded');
    const poison = count(deliveries, 'poison');
    io.out(
      `${count(deliveries, 'dead_lettered')} of ${deliveries.length} still dead-lettered (relais dlq replay ${system} --all)` +
        (superseded > 0 ? `, ${superseded} superseded by a newer change (not written)` : '') +
        (poison > 0 ? `, ${poison} poison (not deliveries: cannot be replayed as they are)` : ''),
    );
  }
  if (records.length > 0) {
    io.out(`source dead letters (records ${system}'s source read but could not publish):`);
    for (const d of records) printLine(io, d);
    const pending = count(records, 'replay_pending');
    io.out(
      `${count(records, 'dead_lettered')} of ${records.length} source records still dead-lettered (relais dlq replay ${system} --source --all)` +
        (pending > 0 ? `, ${pending} waiting for the connector to map them again` : ''),
    );
  }
}

export function defineDlq(dlq: Command, io: Io): void {
  withGateway(dlq.command('list'))
    .description('dead letters of one system, with what became of each since')
    .argument('<system>', 'a system declared in the flows')
    .option('--source', "only source dead letters (records the system's source could not publish)")
    .option('--delivery', 'only delivery dead letters (deliveries the system could not apply)')
    .option('--json', "print the gateway's answer")
    .action(async (system: string, options: GatewayOptions & { json?: boolean; source?: boolean; delivery?: boolean }) => {
      if (options.source && options.delivery) throw new CliError('give --source or --delivery (not both)', 2);
      const kind = options.source ? ('source' as const) : options.delivery ? ('delivery' as const) : undefined;
      const connection = connect(io, options);
      const answer = await call(connection, `listing ${system}'s dead letters`, () =>
        connection.http.GET('/v1/systems/{system}/dead-letters', { params: { path: { system }, query: kind ? { kind } : {} } }),
      );
      if (options.json) printJson(io, answer);
      else printDeadLetters(io, system, answer.deadLetters);
    });

  withGateway(dlq.command('replay'))
    .description('re-drive dead letters to their system (each replay is audited); needs the admin scope')
    .argument('<system>', 'a system declared in the flows')
    .option('--event <id...>', 'the event id(s) to re-drive')
    .option('--all', 'every dead letter still dead-lettered')
    .option('--source', 'source dead letters: the connector maps each raw record again and publishes it, or dead-letters it again')
    .option('--json', "print the gateway's answer")
    .action(async (system: string, options: GatewayOptions & { event?: string[]; all?: boolean; source?: boolean; json?: boolean }) => {
      if (Boolean(options.all) === Boolean(options.event?.length)) throw new CliError('give --event <id> or --all (not both)', 2);
      const connection = connect(io, options);
      const kind = options.source ? { kind: 'source' as const } : {};
      const body = options.all ? { all: true as const, ...kind } : { eventIds: options.event!, ...kind };
      const result = await call(connection, `replaying ${system}'s dead letters`, () =>
        connection.http.POST('/v1/systems/{system}/dead-letters/replay', { params: { path: { system } }, body }),
      );
      if (options.json) printJson(io, result);
      else {
        for (const id of result.replayed) io.out(`${options.source ? 'asked to re-drive' : 'replayed'} ${id}`);
        for (const s of result.skipped) io.err(`skipped ${s.eventId}: ${s.reason}`);
        io.out(
          options.source
            ? `${result.replayed.length} source record(s) to be mapped again by ${system}'s connector, ${result.skipped.length} skipped (follow them: relais dlq list ${system} --source)`
            : `${result.replayed.length} replayed to ${system}, ${result.skipped.length} skipped (follow them: relais changes status <id> --wait)`,
        );
      }
      // Asked for events and none could be re-driven: a script must notice.
      if (result.replayed.length === 0 && result.skipped.length > 0) throw new CliError(undefined, 1);
    });
}
