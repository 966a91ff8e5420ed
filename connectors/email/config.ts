/** email connector settings, read from the validated Relais configuration (core/config.ts). */
import type { RelaisConfig } from '@relais/connector-kit';
import type { EmailClientOptions } from './client.ts';

export function emailConfig(config: RelaisConfig): EmailClientOptions {
  return { smtpUrl: config.emailSmtpUrl, from: config.emailFrom };
}
