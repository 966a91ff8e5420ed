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
import { identityResolverFor, startConnector } from '../connectors/runner.ts';
import { describeError } from '../core/errors.ts';
import { startRouterOn } from '../core/router/router.ts';
import type { SourceHealth } from '../core/connector/source-runner.ts';
import { kafkaCheck, storeCheck, type Check } from '../core/health.ts';
import { startOpsServer } from '../core/ops-server.ts';
import { createRuntime, type Runtime } from '../core/runtime.ts';
import { startGateway } from '../gateway/server.ts';
import { banner } from './banner.ts';
import { startAll } from './start-all.ts';

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
  start: (runtime: Runtime) => Promise<{ ready: Promise<void>; stop(): Promise<void>; sourceHealth?: () => SourceHealth }>,
  options: { ops?: boolean } = {},
): Promise<void> {
  const runtime = await createRuntime({ component, connectors: connectorKinds() });
  const part = await start(runtime);
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
          { name: 'consumer', required: true, run: async () => (joined ? undefined : 'not yet started (joining its consumer group, reading its checkpoint)') },
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
        const gateway = await startGateway(runtime, { identityResolver: identityResolverFor(runtime) });
        return { ready: Promise.resolve(), stop: () => gateway.close() };
      });
    case 'router':
      return runPart('router', 'router', startRouterOn, { ops: true });
    case 'connector': {
      if (!argument) throw new Error('usage: relais connector <system>');
      return runPart('connector', `connector-${argument}`, (runtime) => startConnector(runtime, argument), { ops: true });
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
