/** tax connector settings, read from the validated Relais configuration (core/config.ts). */
import type { RelaisConfig } from '@relais/connector-kit';
import type { TaxClientOptions } from './client.ts';

export interface TaxSinkSettings {
  maxRecords: number;
  maxAgeMs: number;
  uploadTimeoutMs: number;
  ackPollMs: number;
  ackDeadlineMs: number;
}

export interface TaxSourceSettings {
  /** Records of a change file published per poll. */
  pageSize: number;
}

export function taxClientOptions(config: RelaisConfig): TaxClientOptions {
  return {
    host: config.taxSftpHost,
    port: config.taxSftpPort,
    username: config.taxSftpUser,
    privateKeyFile: config.taxSftpKeyFile,
    hostKeyFingerprint: config.taxSftpHostKey,
    baseDir: config.taxSftpDir,
  };
}

export function taxSinkSettings(config: RelaisConfig): TaxSinkSettings {
  return {
    maxRecords: config.taxBatchMaxRecords,
    maxAgeMs: config.taxBatchMaxAgeMs,
    uploadTimeoutMs: config.taxUploadTimeoutMs,
    ackPollMs: config.taxAckPollMs,
    ackDeadlineMs: config.taxAckDeadlineMs,
  };
}

export function taxSourceSettings(config: RelaisConfig): TaxSourceSettings {
  return { pageSize: config.taxChangesPageSize };
}
