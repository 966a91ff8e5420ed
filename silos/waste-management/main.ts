/**
 * Process entry of the waste-management simulator; its environment variables are declared in
 * settings.ts (WASTE_MANAGEMENT_PORT: the agent desk, _DB_PORT: the embedded database, _DATA_DIR,
 * _DATABASE_URL: a MariaDB/PostgreSQL database instead, schema loaded, _HOST, _SEED).
 */
import { pino } from 'pino';
import { simulatorSettings } from '../shared/process.ts';
import { startWasteManagementSilo } from './server.ts';
import { wasteManagementSiloSettings } from './settings.ts';

const logger = pino({ base: { component: 'silo-waste-management' }, timestamp: pino.stdTimeFunctions.isoTime });
const settings = simulatorSettings(wasteManagementSiloSettings);

const silo = await startWasteManagementSilo({
  port: settings.port,
  host: settings.host,
  dbPort: settings.dbPort,
  ...(settings.dataDir ? { dataDir: settings.dataDir } : {}),
  ...(settings.databaseUrl ? { databaseUrl: settings.databaseUrl } : {}),
  seed: settings.seed === 'demo',
});
logger.info({ desk: silo.url, database: silo.databaseUrl.replace(/\/\/[^@]*@/, '//') }, 'waste-management simulator started');
const stop = (): void => {
  silo.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
