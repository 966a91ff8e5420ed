/**
 * Process entry of the civil-registry simulator.
 * CIVIL_REGISTRY_PORT (default 8082), CIVIL_REGISTRY_HOST (default 127.0.0.1),
 * CIVIL_REGISTRY_DATA_DIR (absent: in memory), CIVIL_REGISTRY_USERNAME / CIVIL_REGISTRY_PASSWORD
 * (the WS-Security UsernameToken; default relais / relais-dev), CIVIL_REGISTRY_SEED=demo.
 * Logs never carry names, identifiers or message contents.
 */
import { pino } from 'pino';
import { readPort, simulatorEnv, stopOnSignals } from '../shared/process.ts';
import { seedRegistre } from './seed.ts';
import { startCivilRegistrySilo } from './server.ts';

const logger = pino({ base: { component: 'silo-civil-registry' }, timestamp: pino.stdTimeFunctions.isoTime });

async function main(): Promise<void> {
  const env = simulatorEnv();
  const dataDir = env['CIVIL_REGISTRY_DATA_DIR'] || undefined;
  const silo = await startCivilRegistrySilo({
    port: readPort('CIVIL_REGISTRY_PORT', env['CIVIL_REGISTRY_PORT'], 8082),
    host: env['CIVIL_REGISTRY_HOST'] || '127.0.0.1',
    ...(dataDir === undefined ? {} : { dataDir }),
    credentials: { username: env['CIVIL_REGISTRY_USERNAME'] || 'relais', password: env['CIVIL_REGISTRY_PASSWORD'] || 'relais-dev' },
    onRefused: (rule) => logger.warn({ event: 'soap.refused', rule }, 'SOAP request refused by the XML guard'),
  });
  const seeded = env['CIVIL_REGISTRY_SEED'] === 'demo' ? await seedRegistre(silo.registre) : 0;
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
