/**
 * The long-running verbs: `start` (everything in one process: the quick start), `gateway`,
 * `router` and `connector <system>`. docker-compose and the tests run them as processes, so
 * their behaviour is a contract: the operations listener on RELAIS_OPS_PORT (router,
 * connectors), a "<command> ready" log line, and SIGINT/SIGTERM stopping what the command
 * started, in reverse order (a second signal forces exit).
 */
import type { Command } from 'commander';
import type { SourceHealth } from '@relais/connector-kit/runtime';
import { describeError } from '../../core/errors.ts';
import type { Check } from '../../core/health.ts';
import type { Runtime } from '../../core/runtime.ts';
import type { ConnectorRegistry } from '../../connectors/loader.ts';
import { CliError } from './io.ts';

// Each part imports its own code when it starts (import() below): the router never loads the
// gateway's HTTP stack, a connector neither, and `relais connector new` loads none of them.

type Stop = () => Promise<void>;

function onSignals(stop: Stop): void {
  let stoppingSince: number | undefined;
  const handler = (signal: NodeJS.Signals): void => {
    if (stoppingSince !== undefined) {
      // One Ctrl-C reaches us twice (from the terminal's process group, and relayed by npm or by
      // the bin/relais.js launcher): only a signal sent deliberately later forces the exit.
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
  const [{ createRuntime }, { loadConnectors }, { startOpsServer }, { kafkaCheck, storeCheck }] = await Promise.all([
    import('../../core/runtime.ts'),
    import('../../connectors/loader.ts'),
    import('../../core/ops-server.ts'),
    import('../../core/health.ts'),
  ]);
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

export function defineStart(command: Command): void {
  command.action(async () => {
    const [{ startAll }, { banner }] = await Promise.all([import('../start-all.ts'), import('../banner.ts')]);
    const running = await startAll({ say: (line) => console.log(line) });
    onSignals(() => running.stop());
    console.log(banner(running));
  });
}

export function defineGateway(command: Command): void {
  command.action(() =>
    runPart('gateway', 'gateway', async (runtime, connectors) => {
      const [{ startGateway }, { identityResolverFor }] = await Promise.all([
        import('../../gateway/server.ts'),
        import('../../connectors/host.ts'),
      ]);
      const gateway = await startGateway(runtime, { identityResolver: identityResolverFor(runtime, connectors) });
      return { ready: Promise.resolve(), stop: () => gateway.close() };
    }),
  );
}

export function defineRouter(command: Command): void {
  command.action(() =>
    runPart('router', 'router', async (runtime) => (await import('../../router/router.ts')).startRouterOn(runtime), { ops: true }),
  );
}

/** `connector <system>`; `connector new` is defined beside it (bin/cli/connector-new.ts). */
export function defineConnector(command: Command): void {
  // `[system]`, not `<system>`: the command also takes subcommands (`connector new <name>`),
  // and commander runs this action only when no subcommand matches.
  command.argument('[system]', 'a system declared in flows/').action(async (system: string | undefined) => {
    if (!system) throw new CliError('usage: relais connector <system>', 2);
    await runPart(
      'connector',
      `connector-${system}`,
      async (runtime, connectors) => (await import('../../connectors/host.ts')).startConnector(runtime, connectors, system),
      { ops: true },
    );
  });
}
