/** civil-registry connector settings, read from the validated Relais configuration (core/config.ts). */
import { type RelaisConfig, RelaisError } from '@relais/connector-kit';
import type { CivilRegistryClientOptions } from './client.ts';

export interface CivilRegistrySettings {
  client: CivilRegistryClientOptions;
  pageSize: number;
}

export function civilRegistryConfig(config: RelaisConfig): CivilRegistrySettings {
  if (!config.civilRegistryPassword) {
    throw new RelaisError('CONFIG_INVALID', 'CIVIL_REGISTRY_PASSWORD is not set: the civil registry requires a WS-Security UsernameToken');
  }
  return {
    client: {
      url: config.civilRegistryUrl,
      username: config.civilRegistryUsername,
      password: config.civilRegistryPassword,
      timeoutMs: config.civilRegistryTimeoutMs,
    },
    pageSize: config.civilRegistryPageSize,
  };
}
