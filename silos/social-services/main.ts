/**
 * Process entry of the social-services simulator.
 * SOCIAL_SERVICES_PORT (default 8081), SOCIAL_SERVICES_HOST (default 127.0.0.1),
 * SOCIAL_SERVICES_DATA_DIR (absent: in memory), SOCIAL_SERVICES_API_KEY (absent: no check),
 * SOCIAL_SERVICES_SEED=demo (loads the demo files missing from the store),
 * SOCIAL_SERVICES_WEBHOOK_URL + SOCIAL_SERVICES_WEBHOOK_SECRET (notify desk changes there, signed).
 * Logs never carry names, addresses or file contents.
 */
import { pino } from 'pino';
import { readPort, simulatorEnv, stopOnSignals } from '../shared/process.ts';
import { seedStore } from './seed.ts';
import { startSocialServicesSilo, type SocialServicesSiloOptions } from './server.ts';
import { SocialServicesStore } from './store.ts';

const logger = pino({ base: { component: 'silo-social-services' }, timestamp: pino.stdTimeFunctions.isoTime });

async function main(): Promise<void> {
  const env = simulatorEnv();
  const dataDir = env['SOCIAL_SERVICES_DATA_DIR'] || undefined;
  const apiKey = env['SOCIAL_SERVICES_API_KEY'] || undefined;
  const webhookUrl = env['SOCIAL_SERVICES_WEBHOOK_URL'] || undefined;
  const webhookSecret = env['SOCIAL_SERVICES_WEBHOOK_SECRET'] || undefined;
  if ((webhookUrl === undefined) !== (webhookSecret === undefined))
    throw new Error('SOCIAL_SERVICES_WEBHOOK_URL and SOCIAL_SERVICES_WEBHOOK_SECRET go together');
  const options: SocialServicesSiloOptions = {
    port: readPort('SOCIAL_SERVICES_PORT', env['SOCIAL_SERVICES_PORT'], 8081),
    host: env['SOCIAL_SERVICES_HOST'] || '127.0.0.1',
    ...(dataDir === undefined ? {} : { dataDir }),
    ...(apiKey === undefined ? {} : { apiKey }),
    ...(webhookUrl && webhookSecret ? { webhook: { url: webhookUrl, secret: webhookSecret } } : {}),
  };

  let seeded = 0;
  if (env['SOCIAL_SERVICES_SEED'] === 'demo') {
    if (dataDir === undefined) throw new Error('SOCIAL_SERVICES_SEED=demo needs SOCIAL_SERVICES_DATA_DIR');
    const store = await SocialServicesStore.open({ dataDir });
    seeded = await seedStore(store);
    await store.flush();
  }

  const silo = await startSocialServicesSilo(options);
  logger.info(
    {
      event: 'silo.started',
      url: silo.url,
      port: silo.port,
      persistence: dataDir === undefined ? 'memory' : 'file',
      authentication: apiKey !== undefined,
      seeded,
    },
    'social-services simulator started',
  );

  stopOnSignals('social-services', () => silo.close(), logger);
}

main().catch((error: unknown) => {
  logger.fatal(
    { event: 'silo.start_failed', error: error instanceof Error ? error.message : String(error) },
    'social-services simulator failed to start',
  );
  process.exit(1);
});
