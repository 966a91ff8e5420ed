/** social-services connector settings, read from the validated Relais configuration (core/config.ts). */
import type { RelaisConfig } from '@relais/connector-kit';
import type { SocialServicesClientOptions } from './client.ts';
import type { WebhookReceiverOptions } from './source.ts';

export function socialServicesConfig(config: RelaisConfig): SocialServicesClientOptions {
  return { baseUrl: config.socialServicesUrl, apiKey: config.socialServicesApiKey };
}

/** The webhook receiver's settings, or undefined when no shared secret is configured (receiver off). */
export function webhookConfig(config: RelaisConfig): WebhookReceiverOptions | undefined {
  if (!config.socialServicesWebhookSecret) return undefined;
  return {
    host: config.socialServicesWebhookHost,
    port: config.socialServicesWebhookPort,
    secret: config.socialServicesWebhookSecret,
    toleranceS: config.socialServicesWebhookToleranceS,
  };
}
