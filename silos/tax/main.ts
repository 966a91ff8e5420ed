/**
 * Process entry of the tax office simulator.
 * TAX_SFTP_PORT (default 2222), TAX_SFTP_HOST (default 127.0.0.1), TAX_SILO_DATA_DIR (default
 * .relais/silos/tax), TAX_SFTP_USER (default relais), TAX_SILO_AUTHORIZED_KEYS (a file of
 * authorized_keys lines; required), TAX_SILO_SEED=demo (adds the demo taxpayers),
 * TAX_SILO_FAULTS (JSON, see faults.ts). Logs never carry names, addresses or tax numbers.
 */
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { parseFaults } from './faults.ts';
import { seedTaxStore } from './seed.ts';
import { startTaxSilo } from './server.ts';
import { TaxStore } from './store.ts';

const logger = pino({ base: { component: 'silo-tax' }, timestamp: pino.stdTimeFunctions.isoTime });

async function main(): Promise<void> {
  const env = process.env;
  const dataDir = env['TAX_SILO_DATA_DIR'] || '.relais/silos/tax';
  const keysFile = env['TAX_SILO_AUTHORIZED_KEYS'];
  if (!keysFile) throw new Error('TAX_SILO_AUTHORIZED_KEYS: a file of authorized_keys lines is required');
  const authorizedKeys = readFileSync(keysFile, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const port = Number(env['TAX_SFTP_PORT'] || 2222);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`TAX_SFTP_PORT: not a port: ${env['TAX_SFTP_PORT']}`);
  const seeded = env['TAX_SILO_SEED'] === 'demo' ? seedTaxStore(TaxStore.open(dataDir)) : 0;
  const silo = await startTaxSilo({
    dataDir,
    authorizedKeys,
    port,
    host: env['TAX_SFTP_HOST'] || '127.0.0.1',
    username: env['TAX_SFTP_USER'] || 'relais',
    faults: parseFaults(env['TAX_SILO_FAULTS']),
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
