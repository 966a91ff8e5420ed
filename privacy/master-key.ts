/**
 * The master key: 32 random bytes, base64 in the file RELAIS_MASTER_KEY_FILE (mode 0600). It only
 * wraps the citizens' data keys (citizen-keys.ts); it never touches personal data itself, so
 * rotating it re-wraps a table of keys, not the store. The quick start generates one in its data
 * directory; a deployment mounts it as a secret (a KMS or HSM can stand behind that file later).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { RelaisError } from '../core/errors.ts';
import { KEY_BYTES } from './aead.ts';

export const MASTER_KEY_VARIABLE = 'RELAIS_MASTER_KEY_FILE';

export interface MasterKey {
  key: Buffer;
  /** A fingerprint (not the key): which master key wrapped a data key, for a future rotation. */
  id: string;
}

export function masterKeyOf(key: Buffer): MasterKey {
  if (key.length !== KEY_BYTES) throw new RelaisError('CONFIG_INVALID', `the master key must be ${KEY_BYTES} bytes`);
  return { key, id: createHash('sha256').update('relais-master-key\n').update(key).digest('hex').slice(0, 16) };
}

export function readMasterKey(file: string): MasterKey {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new RelaisError('CONFIG_INVALID', `${MASTER_KEY_VARIABLE}: cannot read ${file}`, { cause: error });
  }
  const key = Buffer.from(text, 'base64');
  if (key.length !== KEY_BYTES) throw new RelaisError('CONFIG_INVALID', `${MASTER_KEY_VARIABLE}: ${file} does not hold 32 bytes in base64`);
  return masterKeyOf(key);
}

/** The quick start's master key file: created (random, 0600) when absent, like its other secrets. */
export function ensureMasterKeyFile(file: string): string {
  if (!existsSync(file)) writeFileSync(file, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600 });
  return file;
}
