/**
 * The long-running verbs: `start` (everything in one process: the quick start), `gateway`,
 * `router` and `connector <system>`. docker-compose and the tests run them as processes, so
 * their behaviour is a contract: the operations listener on RELAIS_OPS_PORT (router,
 * connectors), a "<command> ready" log line, and SIGINT/SIGTERM stopping what the command
 * started, in reverse order (a second signal forces exit).
 */
import type { Command } from 'commander';
import { identityResolverFor, startConnector } from '../../connectors/host.ts';
import { loadConnectors, type ConnectorRegistry } from '../../connectors/loader.ts';
import { describeError } from '../../core/errors.ts';
import { startRouterOn } from '../../router/router.ts';
import type { SourceHealth } from '@relais/connector-kit/runtime';
import { kafkaCheck, storeCheck, type Check } from '../../core/health.ts';
import { startOpsServer } from '../../core/ops-server.ts';
import { createRuntime, type Runtime } from '../../core/runtime.ts';
import { startGateway } from '../../gateway/server.ts';
import { banner } from '../banner.ts';
import { startAll } from '../start-all.ts';
import { CliError } from './io.ts';

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

/** A polled source that keeps failing makes its connector degraded (it still applies deliveries). */
function sourceCheck(health: () => SourceHealth): Check {
  return {
    name: 'source',
    required: false,
    run: async () => {
      const h = health();
      return h.state === 'failing' ? `polling fails (${h.consecutiveFailures} in a row): ${h.lastError ?? ''}` : undefined;
    },
  };
}

/**
 * Runs one part as its own process: its runtime, the part, a "ready" log line, stop on signals.
 * Parts without an HTTP API of their own (router, connectors) get the operations listener
 * (RELAIS_OPS_PORT): /metrics, /healthz, /readyz.
 */
async function runPart(
  command: string,
  component: string,
  start: (
    runtime: Runtime,
    connectors: ConnectorRegistry,
  ) => Promise<{ ready: Promise<void>; stop(): Promise<void>; sourceHealth?: () => SourceHealth }>,
  options: { ops?: boolean } = {},
): Promise<void> {
  const connectors = await loadConnectors();
  const runtime = await createRuntime({ component, connectors: connectors.definitions });
  const part = await start(runtime, connectors);
  let joined = false;
  const ops = options.ops
    ? await startOpsServer({
        port: runtime.config.opsPort,
        host: runtime.config.host,
        metrics: runtime.metrics,
        logger: runtime.logger,
        checks: () => [
          storeCheck(runtime.db),
          kafkaCheck(runtime.bus),
          {
            name: 'consumer',
            required: true,
            run: async () => (joined ? undefined : 'not yet started (joining its consumer group, reading its checkpoint)'),
          },
          ...(part.sourceHealth ? [sourceCheck(part.sourceHealth)] : []),
        ],
      })
    : undefined;
  onSignals(async () => {
    await ops?.close();
    await part.stop();
    await runtime.close();
  });
  await part.ready;
  joined = true;
  runtime.logger.info({ ...(ops ? { opsPort: ops.port } : {}) }, `${command} ready`);
}

/** Registers start, gateway, router and connector; returns the connector command (for `connector new`). */
export function addProcessCommands(program: Command): Command {
  program
    .command('start')
    .description('the quick start: Kafka, the store, the simulators, the connectors, the router and the gateway in one process')
    .action(async () => {
      const running = await startAll({ say: (line) => console.log(line) });
      onSignals(() => running.stop());
      console.log(banner(running));
    });
  program
    .command('gateway')
    .description('the HTTP API, the outbox relay and the receipts consumer')
    .action(() =>
      runPart('gateway', 'gateway', async (runtime, connectors) => {
        const gateway = await startGateway(runtime, { identityResolver: identityResolverFor(runtime, connectors) });
        return { ready: Promise.resolve(), stop: () => gateway.close() };
      }),
    );
  program
    .command('router')
    .description('the router (operations listener on RELAIS_OPS_PORT)')
    .action(() => runPart('router', 'router', startRouterOn, { ops: true }));
  // `[system]`, not `<system>`: the command also takes subcommands (`connector new <name>`),
  // and commander runs this action only when no subcommand matches.
  return program
    .command('connector')
    .description('the connector of one system declared in flows/ (its sink and/or source; operations listener on RELAIS_OPS_PORT)')
    .argument('[system]', 'a system declared in flows/')
    .action(async (system: string | undefined) => {
      if (!system) throw new CliError('usage: relais connector <system>', 2);
      await runPart('connector', `connector-${system}`, (runtime, connectors) => startConnector(runtime, connectors, system), {
        ops: true,
      });
    });
}
