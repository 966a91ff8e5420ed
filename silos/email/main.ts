/**
 * Process entry of the local mailbox (the citizens' inbox of the email connector), for running
 * it as its own service; its environment variables are declared in settings.ts
 * (MAILBOX_SMTP_PORT, MAILBOX_HOST, MAILBOX_DIR: each message kept there as an .eml file).
 * Logs never carry addresses or message contents.
 */
import { pino } from 'pino';
import { simulatorSettings, stopOnSignals } from '../shared/process.ts';
import { startMailbox } from './mailbox.ts';
import { mailboxSettings } from './settings.ts';

const logger = pino({ base: { component: 'silo-email' }, timestamp: pino.stdTimeFunctions.isoTime });

async function main(): Promise<void> {
  const settings = simulatorSettings(mailboxSettings);
  const { dir } = settings;
  const mailbox = await startMailbox({ port: settings.port, host: settings.host, ...(dir === undefined ? {} : { dir }) });
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
