/**
 * What every simulator process shares: its settings (silos/<name>/settings.ts, secrets also from
 * `<VAR>_FILE`), stopping its HTTP server (requests in flight finish, then its store is flushed),
 * and stopping once on SIGTERM/SIGINT.
 */
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { readSettings, type SettingValues, type SettingsTable } from '../../core/settings.ts';

/** The simulator's settings from the process environment; throws one error listing every invalid variable. */
export function simulatorSettings<T extends SettingsTable>(table: T): SettingValues<T> {
  return readSettings(table, process.env);
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
