/** social-services connector settings: its environment variables, and the client's and webhook receiver's options made from them. */
import { defineSettings, httpUrl, integer, port, type SettingValues, text } from '@relais/connector-kit';
import type { SocialServicesClientOptions } from './client.ts';
import type { WebhookReceiverOptions } from './source.ts';

export const socialServicesSettings = defineSettings({
  url: {
    env: 'SOCIAL_SERVICES_URL',
    default: 'http://127.0.0.1:8081',
    parse: httpUrl,
    description: 'Base URL of the social-services REST API.',
  },
  apiKey: {
    env: 'SOCIAL_SERVICES_API_KEY',
    parse: text,
    secret: true,
    description: 'API key sent to the social-services API (X-Api-Key).',
  },
  webhookSecret: {
    env: 'SOCIAL_SERVICES_WEBHOOK_SECRET',
    parse: text,
    secret: true,
    description:
      'Shared secret of the signed webhooks social services send for changes recorded at their desk (HMAC-SHA256). Unset: the connector does not receive them. The quick start generates one.',
  },
  webhookPort: {
    env: 'SOCIAL_SERVICES_WEBHOOK_PORT',
    default: '8091',
    parse: port,
    description: "Port of the social-services connector's webhook receiver (POST /webhooks/social-services).",
  },
  webhookHost: {
    env: 'SOCIAL_SERVICES_WEBHOOK_HOST',
    default: '127.0.0.1',
    parse: text,
    description: 'Interface the webhook receiver binds to (0.0.0.0 in containers).',
  },
  webhookToleranceS: {
    env: 'SOCIAL_SERVICES_WEBHOOK_TOLERANCE_S',
    default: '300',
    parse: integer(10, 3600),
    description: "How old (or far in the future) a webhook's signed timestamp may be before it is refused.",
  },
});

type Settings = SettingValues<typeof socialServicesSettings>;

export function socialServicesConfig(settings: Settings): SocialServicesClientOptions {
  return { baseUrl: settings.url, apiKey: settings.apiKey };
}

/** The webhook receiver's settings, or undefined when no shared secret is configured (receiver off). */
export function webhookConfig(settings: Settings): WebhookReceiverOptions | undefined {
  if (!settings.webhookSecret) return undefined;
  return {
    host: settings.webhookHost,
    port: settings.webhookPort,
    secret: settings.webhookSecret,
    toleranceS: settings.webhookToleranceS,
  };
}
