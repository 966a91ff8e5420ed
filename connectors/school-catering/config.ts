/** school-catering connector settings, read from the validated Relais configuration (core/config.ts). */
import type { RelaisConfig } from '@relais/connector-kit';
import type { SchoolCateringClientOptions } from './client.ts';

export function schoolCateringConfig(config: RelaisConfig): SchoolCateringClientOptions {
  return { baseUrl: config.schoolCateringUrl, token: config.schoolCateringToken };
}
