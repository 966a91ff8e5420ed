/**
 * The tax office simulator: an SFTP server (real SSH, key authentication) over a directory on
 * disk, the batch processor that answers each complete batch in inbox/ with an acknowledgement
 * in outbox/, and the tax office's own change files dropped in changes/ for Relais to collect.
 */
import { createWriteStream, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import { toFileTimestamp } from '../../protocols/tax/address.ts';
import { writeTaxChanges, type ChangeRecord } from '../../protocols/tax/changes.ts';
import type { TaxFaults } from './faults.ts';
import { ensureKeyPair, fingerprint } from './keys.ts';
import { BatchProcessor, folders } from './processor.ts';
import { startSftpServer } from './sftp-server.ts';
import { TaxStore } from './store.ts';

export interface TaxSiloOptions {
  /** Holds the SFTP tree (sftp/), the host key and the taxpayers. */
  dataDir: string;
  /** Public keys (authorized_keys lines) allowed to log in. */
  authorizedKeys: string[];
  /** 0 picks a free port; default 0. */
  port?: number;
  host?: string;
  /** Login name; default `relais`. */
  username?: string;
  /** How often the inbox is scanned besides on each upload; default 500 ms. */
  scanMs?: number;
  faults?: TaxFaults;
  /** Processing failures (default: written to stderr). */
  onError?: (error: unknown) => void;
}

export interface TaxSilo {
  host: string;
  port: number;
  username: string;
  /** The directory the SFTP clients see as `/`. */
  root: string;
  /** `SHA256:…` of the host key, for clients to verify. */
  hostKeyFingerprint: string;
  store: TaxStore;
  setFaults(faults: TaxFaults): void;
  /** Processes the inbox now (tests); resolves when done. */
  processNow(): Promise<void>;
  /** Writes a change file into changes/ (temporary name, then rename); returns its name. */
  dropChangeFile(records: ChangeRecord[], name?: string): Promise<string>;
  /** Writes arbitrary bytes (or a stream of them) into a folder the same way (tests of malformed files, benchmarks). */
  dropFile(folder: string, name: string, bytes: Buffer | AsyncIterable<Buffer>): Promise<void>;
  listFiles(folder: string): Promise<string[]>;
  /** Cuts every SSH connection at once (a network failure). */
  dropConnections(): void;
  close(): Promise<void>;
}

export async function startTaxSilo(options: TaxSiloOptions): Promise<TaxSilo> {
  const root = join(options.dataDir, 'sftp');
  const host = options.host ?? '127.0.0.1';
  const username = options.username ?? 'relais';
  const hostKey = ensureKeyPair(join(options.dataDir, 'ssh_host_ed25519_key'), 'tax-silo');
  const store = TaxStore.open(options.dataDir);
  let faults: TaxFaults = { ...options.faults };
  const onError = options.onError ?? ((error: unknown) => process.stderr.write(`tax simulator: processing failed: ${String(error)}\n`));
  const processor = new BatchProcessor({ root, store, faults: () => faults, onError });
  await processor.prepare();

  const sftp = await startSftpServer({
    root,
    hostKey: hostKey.privateKey,
    authorizedKeys: options.authorizedKeys,
    username,
    host,
    ...(options.port === undefined ? {} : { port: options.port }),
    cutWrite: (path, offset, length) => {
      const limit = faults.cutUploadAfterBytes;
      if (limit === undefined || !path.includes(folders.inbox) || offset + length <= limit) return undefined;
      delete faults.cutUploadAfterBytes;
      return Math.max(0, limit - offset);
    },
    onWritten: (path) => {
      if (path.startsWith(`/${folders.inbox}/`) || path.startsWith(`${folders.inbox}/`)) void processor.scan();
    },
  });
  const timer = setInterval(() => void processor.scan(), options.scanMs ?? 500);

  async function dropFile(folder: string, name: string, bytes: Buffer | AsyncIterable<Buffer>): Promise<void> {
    const temporary = join(root, folder, `.${name}.part`);
    await pipeline(Buffer.isBuffer(bytes) ? Readable.from([bytes]) : Readable.from(bytes), createWriteStream(temporary));
    await fs.rename(temporary, join(root, folder, name));
  }

  return {
    host,
    port: sftp.port,
    username,
    root,
    store,
    hostKeyFingerprint: fingerprint(hostKey.publicKey),
    setFaults: (next) => void (faults = { ...next }),
    processNow: () => processor.scan(),
    async dropChangeFile(records, name) {
      const fileName = name ?? `DGFIP_CHG_${toFileTimestamp(new Date())}_${randomUUID().slice(0, 8)}.txt`;
      await dropFile(folders.changes, fileName, writeTaxChanges({ fileId: randomUUID(), createdAt: new Date() }, records));
      return fileName;
    },
    dropFile: (folder, name, bytes) => dropFile(folder, name, bytes),
    async listFiles(folder) {
      return (await fs.readdir(join(root, folder), { withFileTypes: true }))
        .filter((e) => e.isFile())
        .map((e) => e.name)
        .sort();
    },
    dropConnections: () => {
      for (const connection of sftp.connections()) connection.end();
    },
    async close() {
      clearInterval(timer);
      await sftp.close();
      await processor.scan();
      store.flush();
    },
  };
}
