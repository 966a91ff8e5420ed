/**
 * What every simulator process shares: its environment (secrets from files), reading its port, stopping its HTTP server (requests in
 * flight finish, then its store is flushed), and stopping once on SIGTERM/SIGINT.
 */
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { resolveSecretFiles } from '../../core/config.ts';

/** The environment, with secrets given as `<VAR>_FILE` read in (like Relais's own processes). */
export function simulatorEnv(): Record<string, string | undefined> {
  const { env, problems } = resolveSecretFiles(process.env);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return env;
}

export function readPort(variable: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${variable}: not a port: ${value}`);
  return port;
}

/** Stops accepting connections, lets requests in flight finish, then runs `after` (a flush). */
export function closeServer(server: Server, after: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
  }).then(after);
}

/** Closes the simulator on the first SIGTERM or SIGINT, then exits (1 if closing failed). */
export function stopOnSignals(name: string, close: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    close().then(
      () => {
        logger.info({ event: 'silo.stopped', signal }, `${name} simulator stopped`);
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ event: 'silo.stop_failed', signal, error: error instanceof Error ? error.message : String(error) }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
