/** school-catering connector settings: its environment variables, and the client's options made from them. */
import { defineSettings, httpUrl, type SettingValues, text } from '@relais/connector-kit';
import type { SchoolCateringClientOptions } from './client.ts';

export const schoolCateringSettings = defineSettings({
  url: {
    env: 'SCHOOL_CATERING_URL',
    default: 'http://127.0.0.1:8084',
    parse: httpUrl,
    description: 'Base URL of the school-catering and nursery billing REST API.',
  },
  token: {
    env: 'SCHOOL_CATERING_TOKEN',
    parse: text,
    secret: true,
    description: 'Bearer token sent to the school-catering API (Authorization header); unset: none sent.',
  },
});

export function schoolCateringConfig(settings: SettingValues<typeof schoolCateringSettings>): SchoolCateringClientOptions {
  return { baseUrl: settings.url, token: settings.token };
}
