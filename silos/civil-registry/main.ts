/**
 * Process entry of the civil-registry simulator; its environment variables are declared in
 * settings.ts (CIVIL_REGISTRY_PORT, _HOST, _DATA_DIR, _USERNAME / _PASSWORD: the WS-Security
 * UsernameToken, default relais / relais-dev, _SEED).
 * Logs never carry names, identifiers or message contents.
 */
import { pino } from 'pino';
import { simulatorSettings, stopOnSignals } from '../shared/process.ts';
import { seedRegistre } from './seed.ts';
import { startCivilRegistrySilo } from './server.ts';
import { civilRegistrySiloSettings } from './settings.ts';

const logger = pino({ base: { component: 'silo-civil-registry' }, timestamp: pino.stdTimeFunctions.isoTime });

async function main(): Promise<void> {
  const settings = simulatorSettings(civilRegistrySiloSettings);
  const { dataDir } = settings;
  const silo = await startCivilRegistrySilo({
    port: settings.port,
    host: settings.host,
    ...(dataDir === undefined ? {} : { dataDir }),
    credentials: { username: settings.username, password: settings.password ?? 'relais-dev' },
    onRefused: (rule) => logger.warn({ event: 'soap.refused', rule }, 'SOAP request refused by the XML guard'),
  });
  const seeded = settings.seed === 'demo' ? await seedRegistre(silo.registre) : 0;
  logger.info(
    { event: 'silo.started', url: silo.url, wsdl: silo.wsdlUrl, persistence: dataDir === undefined ? 'memory' : 'file', seeded },
    'civil-registry simulator started',
  );

  stopOnSignals('civil-registry', () => silo.close(), logger);
}

main().catch((error: unknown) => {
  logger.fatal(
    { event: 'silo.start_failed', error: error instanceof Error ? error.message : String(error) },
    'civil-registry simulator failed to start',
  );
  process.exit(1);
});
