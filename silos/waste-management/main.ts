/**
 * Process entry of the waste-management simulator.
 * WASTE_MANAGEMENT_PORT (agent desk, default 8083), WASTE_MANAGEMENT_DB_PORT (embedded database,
 * default 5433), WASTE_MANAGEMENT_DATA_DIR (embedded database files; absent: in memory),
 * WASTE_MANAGEMENT_DATABASE_URL (use that MariaDB/PostgreSQL database instead, schema loaded),
 * WASTE_MANAGEMENT_HOST (the desk's interface, default 127.0.0.1), WASTE_MANAGEMENT_SEED=demo (loads the demo households that are missing).
 */
import { pino } from 'pino';
import { simulatorEnv } from '../shared/process.ts';
import { startWasteManagementSilo } from './server.ts';

const logger = pino({ base: { component: 'silo-waste-management' }, timestamp: pino.stdTimeFunctions.isoTime });
const env = simulatorEnv();
const port = (value: string | undefined, fallback: number): number => (value ? Number(value) : fallback);

const silo = await startWasteManagementSilo({
  port: port(env['WASTE_MANAGEMENT_PORT'], 8083),
  host: env['WASTE_MANAGEMENT_HOST'] || '127.0.0.1',
  dbPort: port(env['WASTE_MANAGEMENT_DB_PORT'], 5433),
  ...(env['WASTE_MANAGEMENT_DATA_DIR'] ? { dataDir: env['WASTE_MANAGEMENT_DATA_DIR'] } : {}),
  ...(env['WASTE_MANAGEMENT_DATABASE_URL'] ? { databaseUrl: env['WASTE_MANAGEMENT_DATABASE_URL'] } : {}),
  seed: env['WASTE_MANAGEMENT_SEED'] === 'demo',
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
