/**
 * The `relais` command.
 *   relais start                 everything in one process on embedded defaults (the quick start)
 *   relais gateway               the HTTP API, outbox relay and receipts consumer
 *   relais router                the router
 *   relais connector <system>    the connector of one system declared in flows/ (its sink and/or source)
 * Configuration comes from environment variables (core/config.ts, docs/configuration.md).
 * SIGINT/SIGTERM stop what the command started, in reverse order; a second signal forces exit.
 */
import { connectorKinds } from '../connectors/registry.ts';
import { startConnector } from '../connectors/runner.ts';
import { describeError } from '../core/errors.ts';
import { startRouterOn } from '../core/router/router.ts';
import { createRuntime, type Runtime } from '../core/runtime.ts';
import { startGateway } from '../gateway/server.ts';
import { startAll, type RunningRelais } from './start-all.ts';

type Stop = () => Promise<void>;

function onSignals(stop: Stop): void {
  let stoppingSince: number | undefined;
  const handler = (signal: NodeJS.Signals): void => {
    if (stoppingSince !== undefined) {
      // One Ctrl-C reaches us twice (from the terminal's process group and relayed by npm/tsx):
      // only a signal sent deliberately later forces the exit.
      if (Date.now() - stoppingSince < 2000) return;
      console.error(`${signal} again: exiting now`);
      process.exit(130);
    }
    stoppingSince = Date.now();
    console.error(`${signal}: stopping…`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`stop failed: ${describeError(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

function banner(running: RelaisInfo): string {
  const body = JSON.stringify({
    type: 'fr.relais.citizen.address.changed.v1',
    citizen: { system: 'social-services', id: 'SS-000123' },
    channel: 'web',
    data: {
      address: { number: '12', suffix: 'bis', streetName: 'rue des Lilas', postcode: '69003', communeName: 'Lyon', communeInsee: '69383', country: 'FR' },
      effectiveDate: new Date().toISOString().slice(0, 10),
    },
  });
  const request = JSON.stringify({
    citizen: { system: 'waste-management', id: 'USG-000123' },
    channel: 'desk',
    category: 'waste.missed-collection',
    location: { address: { number: '24', streetName: 'rue Paul Bert', postcode: '69003', communeName: 'Lyon', communeInsee: '69383', country: 'FR' } },
    description: 'Bac jaune non collecté mardi.',
    contact: { email: 'jeanne.martin@example.fr' },
  });
  return [
    '',
    `Relais is running (store: ${running.store}, Kafka: ${running.brokers}).`,
    `  gateway         ${running.gatewayUrl}   (API: ${running.gatewayUrl}/openapi.json)`,
    `  dev credential  ${running.devToken}`,
    `  social-services ${running.siloUrls['social-services']} (simulator)`,
    `  tax (SFTP)      ${running.siloUrls['tax']} (simulator; files under .relais/silos/tax/sftp/)`,
    `  waste desk      ${running.siloUrls['waste-management']} (simulator's agent desk)`,
    ...(running.siloUrls['email'] ? [`  mailbox         ${running.siloUrls['email']} (emails to citizens, kept under .relais/silos/email/)`] : []),
    '',
    'Tell Relais that a demo citizen moved:',
    `  curl -s -X POST ${running.gatewayUrl}/v1/changes -H 'Authorization: Bearer ${running.devToken}' -H 'Content-Type: application/json' -d '${body}'`,
    'Then follow it (use the id from the answer):',
    `  curl -s ${running.gatewayUrl}/v1/changes/<id> -H 'Authorization: Bearer ${running.devToken}'`,
    'And see it in the silo:',
    `  curl -s ${running.siloUrls['social-services']}/dossiers/SS-000123`,
    'The tax office gets it in the next batch file (RELAIS_TAX_BATCH_MAX_AGE_MS, an hour by default) and answers with an acknowledgement:',
    '  ls .relais/silos/tax/sftp/inbox/processed .relais/silos/tax/sftp/outbox/archive',
    '',
    'Report a missed bin collection at the desk (then resolve the incident at the waste desk):',
    `  curl -s -X POST ${running.gatewayUrl}/v1/service-requests -H 'Authorization: Bearer ${running.devToken}' -H 'Content-Type: application/json' -d '${request}'`,
    `  curl -s ${running.siloUrls['waste-management']}/incidents?reference=<id>`,
    `  curl -s -X POST ${running.siloUrls['waste-management']}/incidents/<incident>/resolution -H 'Content-Type: application/json' -d '{"commentaire":"Bac collecté ce matin."}'`,
    `  curl -s ${running.gatewayUrl}/v1/service-requests/<id> -H 'Authorization: Bearer ${running.devToken}'`,
    '',
    'Ctrl-C stops everything, the Kafka broker included.',
  ].join('\n');
}

type RelaisInfo = Omit<RunningRelais, 'stop'>;

/** Runs one part as its own process: its runtime, the part, a "ready" log line, stop on signals. */
async function runPart(command: string, component: string, start: (runtime: Runtime) => Promise<{ ready: Promise<void>; stop(): Promise<void> }>): Promise<void> {
  const runtime = await createRuntime({ component, connectors: connectorKinds() });
  const part = await start(runtime);
  onSignals(async () => {
    await part.stop();
    await runtime.close();
  });
  await part.ready;
  runtime.logger.info(`${command} ready`);
}

async function main(): Promise<void> {
  const [command, argument] = process.argv.slice(2);
  switch (command) {
    case 'start': {
      const running = await startAll({ say: (line) => console.log(line) });
      onSignals(() => running.stop());
      console.log(banner(running));
      return;
    }
    case 'gateway':
      return runPart('gateway', 'gateway', async (runtime) => {
        const gateway = await startGateway(runtime);
        return { ready: Promise.resolve(), stop: () => gateway.close() };
      });
    case 'router':
      return runPart('router', 'router', startRouterOn);
    case 'connector': {
      if (!argument) throw new Error('usage: relais connector <system>');
      return runPart('connector', `connector-${argument}`, (runtime) => startConnector(runtime, argument));
    }
    default:
      console.error('usage: relais start | gateway | router | connector <system>');
      process.exitCode = 2;
  }
}

main().catch((error: unknown) => {
  console.error(`relais: ${describeError(error)}`);
  process.exit(1);
});
