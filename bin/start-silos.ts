/**
 * The quick start's simulators: social services (REST, notifying its desk's changes by signed
 * webhook) and the civil registry (SOAP), each with its data under <data dir>/silos/<name> and its
 * demo records, on the configured ports. Points the configuration at them (URLs, the register's
 * WS-Security password, the webhook secret and receiver port) for the connectors and the gateway
 * started next in the same process.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RelaisConfig } from '../core/config.ts';
import { freePort } from '../core/free-port.ts';
import { seedRegistre } from '../silos/civil-registry/seed.ts';
import { seedSchoolCatering } from '../silos/school-catering/seed.ts';
import { startSchoolCateringSilo } from '../silos/school-catering/server.ts';
import { startCivilRegistrySilo } from '../silos/civil-registry/server.ts';
import { seedStore } from '../silos/social-services/seed.ts';
import { startSocialServicesSilo } from '../silos/social-services/server.ts';
import { SocialServicesStore } from '../silos/social-services/store.ts';

export interface RunningSilos {
  urls: Record<string, string>;
  stop(): Promise<void>;
}

/** A secret generated once per data directory (kept in a 0600 file), so restarts keep it. */
export function persistentSecret(dataDir: string, name: string, prefix: string): string {
  const file = join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = `${prefix}${randomBytes(18).toString('base64url')}`;
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

export async function startSilos(config: RelaisConfig, dataDir: string): Promise<RunningSilos> {
  const socialDir = join(dataDir, 'silos', 'social-services');
  const socialStore = await SocialServicesStore.open({ dataDir: socialDir });
  await seedStore(socialStore);
  await socialStore.flush();
  // The desk's changes are notified to the social-services connector's receiver (signed webhook).
  config.socialServicesWebhookSecret ??= persistentSecret(dataDir, 'social-services-webhook-secret', 'whsec-');
  if (config.socialServicesWebhookPort === 0) config.socialServicesWebhookPort = await freePort(config.socialServicesWebhookHost);
  const receiverHost = config.socialServicesWebhookHost === '0.0.0.0' ? '127.0.0.1' : config.socialServicesWebhookHost;
  const social = await startSocialServicesSilo({
    port: config.socialServicesPort,
    dataDir: socialDir,
    ...(config.socialServicesApiKey ? { apiKey: config.socialServicesApiKey } : {}),
    webhook: {
      url: `http://${receiverHost}:${config.socialServicesWebhookPort}/webhooks/social-services`,
      secret: config.socialServicesWebhookSecret,
    },
  });
  config.socialServicesUrl = social.url;

  const catering = await startSchoolCateringSilo({
    port: config.schoolCateringPort,
    dataDir: join(dataDir, 'silos', 'school-catering'),
    ...(config.schoolCateringToken ? { token: config.schoolCateringToken } : {}),
  }).catch(async (error: unknown) => {
    await social.close();
    throw error;
  });
  await seedSchoolCatering(catering.store);
  config.schoolCateringUrl = catering.url;

  config.civilRegistryPassword ??= persistentSecret(dataDir, 'civil-registry-password', 'registre-');
  try {
    const registry = await startCivilRegistrySilo({
      port: config.civilRegistryPort,
      dataDir: join(dataDir, 'silos', 'civil-registry'),
      credentials: { username: config.civilRegistryUsername, password: config.civilRegistryPassword },
    });
    await seedRegistre(registry.registre);
    config.civilRegistryUrl = registry.soapUrl;
    return {
      urls: { 'social-services': social.url, 'civil-registry': registry.url, 'school-catering': catering.url },
      async stop() {
        await registry.close();
        await catering.close();
        await social.close();
      },
    };
  } catch (error) {
    await catering.close();
    await social.close();
    throw error;
  }
}
