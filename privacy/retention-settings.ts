/**
 * Retention, per data class (the schemas' personal-data labels, docs/privacy.md): how long the
 * store keeps personal data of each class, counted from when the change was accepted, and how
 * often the gateway's purge runs. Read by the gateway; listed in docs/configuration.md.
 */
import { defineSettings, integer, type SettingValues } from '../core/settings.ts';

const days = (what: string, fallback: string) => ({
  description: `Days the store keeps ${what} of a change, counted from its acceptance; then the scheduled purge removes it (docs/privacy.md). 0 keeps it forever.`,
  default: fallback,
  parse: integer(0, 36_500),
});

export const retentionSettings = defineSettings({
  identity: { env: 'RELAIS_RETENTION_IDENTITY_DAYS', ...days('identity data (names, birth date and place)', '1825') },
  contact: { env: 'RELAIS_RETENTION_CONTACT_DAYS', ...days('contact data (email, phone)', '730') },
  location: { env: 'RELAIS_RETENTION_LOCATION_DAYS', ...days('location data (addresses, a request’s location)', '730') },
  sensitive: { env: 'RELAIS_RETENTION_SENSITIVE_DAYS', ...days('sensitive data (households, free-text descriptions, comments)', '365') },
  purgeIntervalMs: {
    env: 'RELAIS_RETENTION_PURGE_INTERVAL_MS',
    description: 'How often the gateway runs the retention purge (one replica at a time, under a lease); 0 never runs it.',
    default: '3600000',
    parse: integer(0, 7 * 24 * 3_600_000),
  },
  // Not retention, but the other privacy setting a process reads outside the kernel's table.
  keyCacheTtlMs: {
    env: 'RELAIS_KEY_CACHE_TTL_MS',
    description: 'How long a process keeps a citizen data key in memory (docs/privacy.md): an erasure reaches other processes within it.',
    default: '30000',
    parse: integer(1, 3_600_000),
  },
});

export type RetentionSettings = SettingValues<typeof retentionSettings>;
