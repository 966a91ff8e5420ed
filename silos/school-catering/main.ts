/**
 * Process entry of the school-catering simulator; its environment variables are declared in
 * settings.ts (SCHOOL_CATERING_PORT, _HOST, _DATA_DIR, _TOKEN, _SEED).
 * Logs never carry names, addresses or family contents.
 */
import { pino } from 'pino';
import { simulatorSettings, stopOnSignals } from '../shared/process.ts';
import { seedSchoolCatering } from './seed.ts';
import { startSchoolCateringSilo } from './server.ts';
import { schoolCateringSiloSettings } from './settings.ts';

const logger = pino({ base: { component: 'silo-school-catering' }, timestamp: pino.stdTimeFunctions.isoTime });

async function main(): Promise<void> {
  const settings = simulatorSettings(schoolCateringSiloSettings);
  const silo = await startSchoolCateringSilo({
    port: settings.port,
    host: settings.host,
    ...(settings.dataDir ? { dataDir: settings.dataDir } : {}),
    ...(settings.token ? { token: settings.token } : {}),
  });
  const seeded = settings.seed === 'demo' ? await seedSchoolCatering(silo.store) : 0;
  logger.info(
    {
      event: 'silo.started',
      url: silo.url,
      port: silo.port,
      persistence: settings.dataDir ? 'file' : 'memory',
      authentication: settings.token !== undefined,
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
