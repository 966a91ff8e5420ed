/**
 * Process entry of the tax office simulator; its environment variables are declared in
 * settings.ts (TAX_SFTP_PORT, TAX_SFTP_HOST, TAX_SFTP_USER, TAX_SILO_DATA_DIR,
 * TAX_SILO_AUTHORIZED_KEYS: required, TAX_SILO_SEED, TAX_SILO_FAULTS).
 * Logs never carry names, addresses or tax numbers.
 */
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { simulatorSettings } from '../shared/process.ts';
import { parseFaults } from './faults.ts';
import { seedTaxStore } from './seed.ts';
import { startTaxSilo } from './server.ts';
import { taxSiloSettings } from './settings.ts';
import { TaxStore } from './store.ts';

const logger = pino({ base: { component: 'silo-tax' }, timestamp: pino.stdTimeFunctions.isoTime });

async function main(): Promise<void> {
  const settings = simulatorSettings(taxSiloSettings);
  const { dataDir } = settings;
  const keysFile = settings.authorizedKeys;
  if (!keysFile) throw new Error('TAX_SILO_AUTHORIZED_KEYS: a file of authorized_keys lines is required');
  const authorizedKeys = readFileSync(keysFile, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const seeded = settings.seed === 'demo' ? seedTaxStore(TaxStore.open(dataDir)) : 0;
  const silo = await startTaxSilo({
    dataDir,
    authorizedKeys,
    port: settings.port,
    host: settings.host,
    username: settings.user,
    faults: parseFaults(settings.faults),
  });
  logger.info(
    { event: 'silo.started', host: silo.host, port: silo.port, hostKey: silo.hostKeyFingerprint, seeded },
    'tax simulator started',
  );
  const stop = (signal: NodeJS.Signals): void => {
    silo.close().then(
      () => (logger.info({ event: 'silo.stopped', signal }, 'tax simulator stopped'), process.exit(0)),
      (error: unknown) => (logger.error({ event: 'silo.stop_failed', error: String(error) }, 'stop failed'), process.exit(1)),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  logger.fatal(
    { event: 'silo.start_failed', error: error instanceof Error ? error.message : String(error) },
    'tax simulator failed to start',
  );
  process.exit(1);
});
