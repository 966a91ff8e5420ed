/**
 * AES-256-GCM, the one cipher of privacy/: data keys wrapped by the master key, and personal data
 * sealed by a citizen's data key. A fresh random 96-bit nonce per seal (NIST SP 800-38D, 8.2.2):
 * a data key seals at most a few thousand payloads in its life, far below the 2^32 bound for
 * random nonces. The associated data binds a ciphertext to where it belongs (a change and its
 * citizen, a key and its citizen), so it cannot be moved to another record and still open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

/**
 * Nonces are cut from a pool of random bytes refilled 512 at a time: one call to the system's
 * generator per 512 seals instead of one per seal (as node:crypto's randomUUID does). A pool is
 * never reused: it is replaced once spent, and each nonce is copied into its output.
 */
let pool = Buffer.alloc(0);
let used = 0;
function nextNonce(): Buffer {
  if (used + NONCE_BYTES > pool.length) {
    pool = randomBytes(NONCE_BYTES * 512);
    used = 0;
  }
  used += NONCE_BYTES;
  return pool.subarray(used - NONCE_BYTES, used);
}

/** nonce ‖ ciphertext ‖ tag. */
export function seal(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const nonce = nextNonce();
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

/** The plaintext; throws when the key, the associated data or a single bit of `sealed` is wrong. */
export function open(key: Buffer, sealed: Buffer, aad: string): Buffer {
  if (sealed.length < NONCE_BYTES + TAG_BYTES) throw new Error('sealed payload too short');
  const nonce = sealed.subarray(0, NONCE_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
}
