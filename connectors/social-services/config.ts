/** social-services connector settings, read from the validated Relais configuration (core/config.ts). */
import type { RelaisConfig } from '../../core/config.ts';
import type { SocialServicesClientOptions } from './client.ts';

export function socialServicesConfig(config: RelaisConfig): SocialServicesClientOptions {
  return { baseUrl: config.socialServicesUrl, apiKey: config.socialServicesApiKey };
}
