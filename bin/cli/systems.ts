/** `relais systems [--json]`: GET /v1/systems — connected systems, subscriptions, health and lag. */
import type { Command } from 'commander';
import type { components } from '../../gateway/generated/api.ts';
import { call, connect, withGateway, type GatewayOptions } from './gateway-client.ts';
import { printJson, type Io } from './io.ts';

type SystemStatus = components['schemas']['SystemStatus'];

const figure = (value: number | null): string => (value === null ? '?' : String(value));

function line(s: SystemStatus): string {
  const source = s.source ? `, source ${s.source.consecutiveFailures > 0 ? `failing (${s.source.consecutiveFailures})` : 'ok'}` : '';
  return (
    `${s.name} (${s.connector}): ${s.subscriptions.length} subscription(s), applied ${s.applied}, ` +
    `dead-lettered ${s.deadLetteredRecorded}, lag ${figure(s.lag)}, instances ${figure(s.connectorInstances)}, ` +
    `last success ${s.lastSuccessAt ?? 'never'}${source}` +
    (s.unavailableSince ? `, unavailable since ${s.unavailableSince} (deliveries wait)` : '')
  );
}

export function defineSystems(systems: Command, io: Io): void {
  withGateway(systems)
    .option('--json', "print the gateway's answer")
    .action(async (options: GatewayOptions & { json?: boolean }) => {
      const connection = connect(io, options);
      const answer = await call(connection, 'reading the systems', () => connection.http.GET('/v1/systems'));
      if (options.json) return printJson(io, answer);
      for (const system of answer.systems) io.out(line(system));
      if (answer.kafka !== 'ok') io.err(`Kafka figures missing: ${answer.kafka}`);
    });
}
