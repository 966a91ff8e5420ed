/** SSH key pairs kept on disk (the simulator's host key, the quick start's connector key). */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';

export interface KeyPair {
  privateKey: string;
  /** authorized_keys format. */
  publicKey: string;
  privateKeyFile: string;
}

/** Reads `<file>` and `<file>.pub`, generating an Ed25519 pair the first time. */
export function ensureKeyPair(file: string, comment: string): KeyPair {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    const pair = generateEd25519(comment);
    writeFileSync(file, pair.private, { mode: 0o600 });
    writeFileSync(`${file}.pub`, `${pair.public}\n`);
  }
  return { privateKey: readFileSync(file, 'utf8'), publicKey: readFileSync(`${file}.pub`, 'utf8').trim(), privateKeyFile: file };
}

/**
 * An Ed25519 pair that ssh2 itself can read back. ssh2's generator drops a leading zero byte of
 * the public key (its length comes out as 31), so about 1 pair in 256 is malformed both as a
 * public and as a private key — seen as a flaky "Malformed OpenSSH public key" in the tests.
 * Drawing again until the pair parses costs nothing and keeps the keys in OpenSSH's format.
 */
function generateEd25519(comment: string): { private: string; public: string } {
  for (let attempt = 0; attempt < 16; attempt++) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment });
    if (!(ssh2.utils.parseKey(pair.public) instanceof Error) && !(ssh2.utils.parseKey(pair.private) instanceof Error)) return pair;
  }
  throw new Error('could not generate a readable Ed25519 key pair');
}

/** Parses one authorized_keys line (or a private key); throws when it is not a key. */
export function parseKey(text: string): ParsedKey {
  const key = ssh2.utils.parseKey(text);
  if (key instanceof Error) throw new Error(`not a usable SSH key: ${key.message}`);
  return key;
}

/** OpenSSH's SHA256 fingerprint of a public key (`SHA256:…`), as `ssh-keygen -lf` prints it. */
export function fingerprint(publicKey: string): string {
  const blob = parseKey(publicKey).getPublicSSH();
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}
