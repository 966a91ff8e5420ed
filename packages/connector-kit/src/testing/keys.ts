/** Signing keys for tests: a fresh Ed25519 key, held in memory only, named for its signer. */
import { generateSigningKeyPem, signingKeyFromPem, type SigningKey } from '../../../../core/signing.ts';

export function testReceiptKey(signer: string): SigningKey {
  return signingKeyFromPem(generateSigningKeyPem(), signer);
}
