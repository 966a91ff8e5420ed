/**
 * Process entry of the social-services simulator; its environment variables are declared in
 * settings.ts (SOCIAL_SERVICES_PORT, _HOST, _DATA_DIR, _API_KEY, _SEED, and _WEBHOOK_URL with
 * _WEBHOOK_SECRET to notify desk changes there, signed).
 * Logs never carry names, addresses or file contents.
 */
import { pino } from 'pino';
import { simulatorSettings, stopOnSignals } from '../shared/process.ts';
import { seedStore } from './seed.ts';
import { startSocialServicesSilo, type SocialServicesSiloOptions } from './server.ts';
import { socialServicesSiloSettings } from './settings.ts';
import { SocialServicesStore } from './store.ts';

const logger = pino({ base: { component: 'silo-social-services' }, timestamp: pino.stdTimeFunctions.isoTime });

async function main(): Promise<void> {
  const settings = simulatorSettings(socialServicesSiloSettings);
  const { dataDir, apiKey, webhookUrl, webhookSecret } = settings;
  if ((webhookUrl === undefined) !== (webhookSecret === undefined))
    throw new Error('SOCIAL_SERVICES_WEBHOOK_URL and SOCIAL_SERVICES_WEBHOOK_SECRET go together');
  const options: SocialServicesSiloOptions = {
    port: settings.port,
    host: settings.host,
    ...(dataDir === undefined ? {} : { dataDir }),
    ...(apiKey === undefined ? {} : { apiKey }),
    ...(webhookUrl && webhookSecret ? { webhook: { url: webhookUrl, secret: webhookSecret } } : {}),
  };

  let seeded = 0;
  if (settings.seed === 'demo') {
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
