/**
 * Ed25519 keys and compact JWS (RFC 7515, `alg: EdDSA` per RFC 8037) with node:crypto alone: the
 * audit log's checkpoints and the receipts are signed with it, verifiable with any JOSE library
 * and the published JWKS. Not `jose`: one algorithm is thirty lines here (docs/adr/0021-proof.md).
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { RelaisError } from './errors.ts';

/** A public key as published (RFC 8037 OKP key), with who signs with it. */
export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  use: 'sig';
  alg: 'EdDSA';
  /** `audit` (the instance's checkpoints), `router`, or a system's name (its connector's receipts). */
  signer: string;
}

export interface SigningKey {
  readonly kid: string;
  readonly signer: string;
  readonly privateKey: KeyObject;
  readonly publicJwk: PublicJwk;
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');
/** Public keys by `x`, built once: building one cost a third of a verification (126 → 82 µs here). */
const publicKeys = new Map<string, KeyObject>();
const publicKeyOf = (x: string): KeyObject =>
  publicKeys.get(x) ?? publicKeys.set(x, createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' })).get(x)!;

/** RFC 7638 thumbprint of an Ed25519 public key (its `x`), which names the key: `<signer>-<thumbprint>`. */
function thumbprint(x: string): string {
  return createHash('sha256').update(`{"crv":"Ed25519","kty":"OKP","x":"${x}"}`).digest('base64url');
}

/** A new Ed25519 private key, PKCS#8 PEM (what a key file holds). */
export function generateSigningKeyPem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export function signingKeyFromPem(pem: string, signer: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (error) {
    throw new RelaisError('CONFIG_INVALID', `the signing key of ${signer} is not a PEM private key`, { cause: error });
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new RelaisError('CONFIG_INVALID', `the signing key of ${signer} is not Ed25519`);
  const x = String(createPublicKey(privateKey).export({ format: 'jwk' }).x);
  const kid = `${signer}-${thumbprint(x).slice(0, 16)}`;
  return { kid, signer, privateKey, publicJwk: { kty: 'OKP', crv: 'Ed25519', x, kid, use: 'sig', alg: 'EdDSA', signer } };
}

/**
 * Signs `payload`. `detached` leaves the payload out (`<header>..<signature>`, RFC 7515 appendix
 * F): a receipt's signature travels beside the message value it signs instead of copying it.
 */
export function signJws(key: SigningKey, payload: Buffer | string, options: { detached?: boolean } = {}): string {
  const header = b64url(JSON.stringify({ alg: 'EdDSA', kid: key.kid }));
  const body = b64url(payload);
  const signature = sign(null, Buffer.from(`${header}.${body}`), key.privateKey).toString('base64url');
  return `${header}.${options.detached ? '' : body}.${signature}`;
}

function invalid(message: string): RelaisError {
  return new RelaisError('SIGNATURE_INVALID', message);
}

/**
 * Verifies a compact JWS against `keys` (a JWKS's `keys`); `detachedPayload` for a detached one.
 * Returns the key that signed and the payload; throws SIGNATURE_INVALID naming what is wrong.
 */
export function verifyJws(jws: string, keys: readonly PublicJwk[], detachedPayload?: Buffer | string): { key: PublicJwk; payload: Buffer } {
  const parts = jws.split('.');
  if (parts.length !== 3) throw invalid('not a compact JWS');
  const [header64 = '', body64 = '', signature64 = ''] = parts;
  let header: { alg?: unknown; kid?: unknown };
  try {
    header = JSON.parse(Buffer.from(header64, 'base64url').toString('utf8')) as typeof header;
  } catch {
    throw invalid('the JWS header is not JSON');
  }
  if (header.alg !== 'EdDSA') throw invalid(`algorithm ${String(header.alg)} is not EdDSA`);
  const key = keys.find((k) => k.kid === header.kid);
  if (!key) throw invalid(`key ${String(header.kid)} is not published`);
  if (detachedPayload !== undefined && body64 !== '') throw invalid('expected a detached payload');
  const body = detachedPayload === undefined ? body64 : b64url(detachedPayload);
  if (!verify(null, Buffer.from(`${header64}.${body}`), publicKeyOf(key.x), Buffer.from(signature64, 'base64url'))) {
    throw invalid(`the signature does not match (key ${key.kid})`);
  }
  return { key, payload: Buffer.from(body, 'base64url') };
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
