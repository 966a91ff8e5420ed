/**
 * Where signing keys come from. In production each process is given its own private key as a
 * secret (RELAIS_AUDIT_KEY_FILE for the gateway's checkpoints, RELAIS_RECEIPT_KEY_FILE for a
 * router or connector process) and the gateway the public keys it trusts (RELAIS_JWKS_FILE).
 * When they are unset (the quick start, the tests), each process takes `<keys dir>/<signer>.pem`,
 * generating it at first start, and the gateway trusts the public half of every key there.
 */
import { linkSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RelaisError } from './errors.ts';
import { generateSigningKeyPem, signingKeyFromPem, type PublicJwk, type SigningKey } from './signing.ts';

export interface KeySettings {
  dataDir: string;
  keysDir?: string | undefined;
  auditKey?: string | undefined;
  receiptKey?: string | undefined;
  jwksFile?: string | undefined;
}

export const keysDirOf = (config: KeySettings): string => resolve(config.keysDir ?? join(config.dataDir, 'keys'));

/** `<dir>/<signer>.pem`, generated if missing; several processes starting at once agree on one key. */
export function devSigningKey(dir: string, signer: string): SigningKey {
  const file = join(dir, `${signer}.pem`);
  try {
    return signingKeyFromPem(readFileSync(file, 'utf8'), signer);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const draft = join(dir, `.${signer}.${process.pid}.pem`);
  writeFileSync(draft, generateSigningKeyPem(), { mode: 0o600 });
  try {
    linkSync(draft, file); // atomic, and fails if another process linked its key first
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(draft, { force: true });
  }
  return signingKeyFromPem(readFileSync(file, 'utf8'), signer);
}

/** The key a process signs with: its configured secret, else the development key of `signer`. */
export function signingKeyOf(config: KeySettings, signer: string, configured: 'auditKey' | 'receiptKey'): SigningKey {
  const pem = config[configured];
  return pem ? signingKeyFromPem(pem, signer) : devSigningKey(keysDirOf(config), signer);
}

export function parseJwks(text: string, origin: string): PublicJwk[] {
  let keys: unknown;
  try {
    keys = (JSON.parse(text) as { keys?: unknown }).keys;
  } catch (error) {
    throw new RelaisError('CONFIG_INVALID', `${origin}: not JSON`, { cause: error });
  }
  const valid = (k: unknown): k is PublicJwk => {
    const key = k as Partial<PublicJwk>;
    return (
      key.kty === 'OKP' &&
      key.crv === 'Ed25519' &&
      typeof key.x === 'string' &&
      typeof key.kid === 'string' &&
      typeof key.signer === 'string'
    );
  };
  if (!Array.isArray(keys) || !keys.every(valid)) {
    throw new RelaisError('CONFIG_INVALID', `${origin}: expected {"keys": [Ed25519 JWKs with kid and signer]}`);
  }
  return keys;
}

/** The public keys the gateway trusts and publishes (read again after a rotation). */
export function publishedKeys(config: KeySettings): PublicJwk[] {
  if (config.jwksFile) return parseJwks(readFileSync(config.jwksFile, 'utf8'), config.jwksFile);
  const dir = keysDirOf(config);
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((name) => name.endsWith('.pem') && !name.startsWith('.'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return files.map((name) => signingKeyFromPem(readFileSync(join(dir, name), 'utf8'), name.slice(0, -4)).publicJwk);
}
