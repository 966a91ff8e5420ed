/** tax connector settings: its environment variables, and the client's, sink's and source's options made from them. */
import { defineSettings, integer, port, type SettingValues, text } from '@relais/connector-kit';
import type { TaxClientOptions } from './client.ts';

export const taxSettings = defineSettings({
  sftpHost: { env: 'TAX_SFTP_HOST', default: '127.0.0.1', parse: text, description: "Host of the tax office's SFTP server." },
  sftpPort: {
    env: 'TAX_SFTP_PORT',
    default: '2222',
    parse: port,
    description: "Port of the tax office's SFTP server (the quick start's simulator listens there; 0 picks a free port).",
  },
  sftpUser: { env: 'TAX_SFTP_USER', default: 'relais', parse: text, description: 'SFTP login at the tax office.' },
  sftpDir: {
    env: 'TAX_SFTP_DIR',
    default: '/',
    parse: text,
    description: 'Directory on the SFTP server that holds inbox/, outbox/ and changes/.',
  },
  sftpKeyFile: {
    env: 'TAX_SFTP_KEY_FILE',
    parse: text,
    description: 'Private key file of the SFTP login (the quick start generates one under RELAIS_DATA_DIR/silos/tax).',
  },
  sftpHostKey: {
    env: 'TAX_SFTP_HOST_KEY',
    parse: text,
    description:
      "SHA256 fingerprint of the tax office's host key (`SHA256:…`, as `ssh-keygen -lf` prints it); when set, any other host key is refused.",
  },
  batchMaxRecords: {
    env: 'RELAIS_TAX_BATCH_MAX_RECORDS',
    default: '5000',
    parse: integer(1, 1_000_000),
    description: 'A tax batch file is sent when it holds this many changes…',
  },
  batchMaxAgeMs: {
    env: 'RELAIS_TAX_BATCH_MAX_AGE_MS',
    default: '3600000',
    parse: integer(10, 604_800_000),
    description: '…or when its oldest change has waited this long.',
  },
  ackPollMs: {
    env: 'RELAIS_TAX_ACK_POLL_MS',
    default: '10000',
    parse: integer(10, 3_600_000),
    description: 'How often the tax connector looks for acknowledgement files.',
  },
  ackDeadlineMs: {
    env: 'RELAIS_TAX_ACK_DEADLINE_MS',
    default: '172800000',
    parse: integer(100, 2_592_000_000),
    description: 'A batch file with no acknowledgement this long after its upload is dead-lettered (with an error log: the alert).',
  },
  uploadTimeoutMs: {
    env: 'RELAIS_TAX_UPLOAD_TIMEOUT_MS',
    default: '300000',
    parse: integer(100, 3_600_000),
    description: 'Time limit of one batch upload attempt.',
  },
  changesPageSize: {
    env: 'RELAIS_TAX_CHANGES_PAGE',
    default: '500',
    parse: integer(1, 100_000),
    description: 'Records of a tax change file published per poll (a large file is published in pages).',
  },
});

type Settings = SettingValues<typeof taxSettings>;

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

export function taxClientOptions(settings: Settings): TaxClientOptions {
  return {
    host: settings.sftpHost,
    port: settings.sftpPort,
    username: settings.sftpUser,
    privateKeyFile: settings.sftpKeyFile,
    hostKeyFingerprint: settings.sftpHostKey,
    baseDir: settings.sftpDir,
  };
}

export function taxSinkSettings(settings: Settings): TaxSinkSettings {
  return {
    maxRecords: settings.batchMaxRecords,
    maxAgeMs: settings.batchMaxAgeMs,
    uploadTimeoutMs: settings.uploadTimeoutMs,
    ackPollMs: settings.ackPollMs,
    ackDeadlineMs: settings.ackDeadlineMs,
  };
}

export function taxSourceSettings(settings: Settings): TaxSourceSettings {
  return { pageSize: settings.changesPageSize };
}
