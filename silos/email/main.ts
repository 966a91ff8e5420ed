/**
 * Process entry of the local mailbox (the citizens' inbox of the email connector), for running
 * it as its own service: MAILBOX_SMTP_PORT (default 2525), MAILBOX_HOST (default 127.0.0.1),
 * MAILBOX_DIR (each message kept there as an .eml file; absent: in memory only).
 * Logs never carry addresses or message contents.
 */
import { pino } from 'pino';
import { readPort, simulatorEnv, stopOnSignals } from '../shared/process.ts';
import { startMailbox } from './mailbox.ts';

const logger = pino({ base: { component: 'silo-email' }, timestamp: pino.stdTimeFunctions.isoTime });

async function main(): Promise<void> {
  const env = simulatorEnv();
  const dir = env['MAILBOX_DIR'] || undefined;
  const mailbox = await startMailbox({
    port: readPort('MAILBOX_SMTP_PORT', env['MAILBOX_SMTP_PORT'], 2525),
    host: env['MAILBOX_HOST'] || '127.0.0.1',
    ...(dir === undefined ? {} : { dir }),
  });
  logger.info({ event: 'silo.started', url: mailbox.url, persistence: dir === undefined ? 'memory' : 'file' }, 'email mailbox started');
  stopOnSignals('email', () => mailbox.close(), logger);
}

main().catch((error: unknown) => {
  logger.fatal(
    { event: 'silo.start_failed', error: error instanceof Error ? error.message : String(error) },
    'email mailbox failed to start',
  );
  process.exit(1);
});
