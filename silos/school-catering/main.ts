/**
 * Process entry of the school-catering simulator.
 * SCHOOL_CATERING_PORT (default 8084), SCHOOL_CATERING_HOST (default 127.0.0.1),
 * SCHOOL_CATERING_DATA_DIR (absent: in memory), SCHOOL_CATERING_TOKEN (absent: no check),
 * SCHOOL_CATERING_SEED=demo (adds the demo families the store lacks).
 * Logs never carry names, addresses or family contents.
 */
import { pino } from 'pino';
import { readPort, simulatorEnv, stopOnSignals } from '../shared/process.ts';
import { seedSchoolCatering } from './seed.ts';
import { startSchoolCateringSilo } from './server.ts';

const logger = pino({ base: { component: 'silo-school-catering' }, timestamp: pino.stdTimeFunctions.isoTime });

async function main(): Promise<void> {
  const env = simulatorEnv();
  const dataDir = env['SCHOOL_CATERING_DATA_DIR'] || undefined;
  const token = env['SCHOOL_CATERING_TOKEN'] || undefined;
  const silo = await startSchoolCateringSilo({
    port: readPort('SCHOOL_CATERING_PORT', env['SCHOOL_CATERING_PORT'], 8084),
    host: env['SCHOOL_CATERING_HOST'] || '127.0.0.1',
    ...(dataDir ? { dataDir } : {}),
    ...(token ? { token } : {}),
  });
  const seeded = env['SCHOOL_CATERING_SEED'] === 'demo' ? await seedSchoolCatering(silo.store) : 0;
  logger.info(
    {
      event: 'silo.started',
      url: silo.url,
      port: silo.port,
      persistence: dataDir ? 'file' : 'memory',
      authentication: token !== undefined,
      seeded,
    },
    'school-catering simulator started',
  );
  stopOnSignals('school-catering', () => silo.close(), logger);
}

main().catch((error: unknown) => {
  logger.fatal(
    { event: 'silo.start_failed', error: error instanceof Error ? error.message : String(error) },
    'school-catering simulator failed to start',
  );
  process.exit(1);
});
