/** email connector settings: its environment variables, and the client's options made from them. */
import { defineSettings, type SettingValues, smtpUrl, text } from '@relais/connector-kit';
import type { EmailClientOptions } from './client.ts';

export const emailSettings = defineSettings({
  smtpUrl: {
    env: 'EMAIL_SMTP_URL',
    default: 'smtp://127.0.0.1:2525',
    parse: smtpUrl,
    secret: true,
    description:
      "SMTP server of the email connector (smtp:// or smtps://, credentials in the URL); the default is the quick start's mailbox.",
  },
  from: {
    env: 'EMAIL_FROM',
    default: 'Relais <ne-pas-repondre@relais.example>',
    parse: text,
    description: 'Sender of the notifications to citizens.',
  },
});

export function emailConfig(settings: SettingValues<typeof emailSettings>): EmailClientOptions {
  return { smtpUrl: settings.smtpUrl, from: settings.from };
}
