/** civil-registry connector settings: its environment variables, and the client's options made from them. */
import { defineSettings, httpUrl, integer, RelaisError, type SettingValues, text } from '@relais/connector-kit';
import type { CivilRegistryClientOptions } from './client.ts';

export const civilRegistrySettings = defineSettings({
  url: {
    env: 'CIVIL_REGISTRY_URL',
    default: 'http://127.0.0.1:8082/registre',
    parse: httpUrl,
    description: 'SOAP endpoint of the civil registry (its WSDL is this URL with ?wsdl).',
  },
  username: {
    env: 'CIVIL_REGISTRY_USERNAME',
    default: 'relais',
    parse: text,
    description: 'WS-Security UsernameToken user name sent to the civil registry.',
  },
  password: {
    env: 'CIVIL_REGISTRY_PASSWORD',
    parse: text,
    secret: true,
    description:
      'WS-Security UsernameToken password (sent as a PasswordDigest). The quick start generates one for its simulator when unset.',
  },
  pageSize: {
    env: 'CIVIL_REGISTRY_PAGE_SIZE',
    default: '50',
    parse: integer(1, 200),
    description: 'Life events asked for per poll of the civil registry.',
  },
  timeoutMs: {
    env: 'CIVIL_REGISTRY_TIMEOUT_MS',
    default: '5000',
    parse: integer(100, 120_000),
    description: 'Time limit of one SOAP call to the civil registry (identity searches from the gateway, person reads).',
  },
});

export interface CivilRegistrySettings {
  client: CivilRegistryClientOptions;
  pageSize: number;
}

export function civilRegistryConfig(settings: SettingValues<typeof civilRegistrySettings>): CivilRegistrySettings {
  if (!settings.password) {
    throw new RelaisError('CONFIG_INVALID', 'CIVIL_REGISTRY_PASSWORD is not set: the civil registry requires a WS-Security UsernameToken');
  }
  return {
    client: { url: settings.url, username: settings.username, password: settings.password, timeoutMs: settings.timeoutMs },
    pageSize: settings.pageSize,
  };
}
