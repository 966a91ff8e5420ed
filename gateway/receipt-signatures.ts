/**
 * Every receipt is signed (core/envelopes.ts RECEIPT_SIGNATURE_HEADER): by the key of the
 * system it speaks for, or by the router's for the router's own (`delivered`, and `rejected`
 * for an identifier it does not know). The gateway believes a receipt only when the signature
 * verifies against a key it publishes for that signer; any other is refused, counted and
 * logged, and changes no status.
 *
 * Why reload on an unknown key id: a rotation adds the new public key to the JWKS before the
 * connector signs with it (docs/security.md), so a key seen for the first time is read from the
 * file again (at most once a second) instead of needing a restart. A withdrawn key stops being
 * trusted at the next periodic read (`maxAgeMs`, 30 s by default).
 */
import type { IncomingMessage } from '../core/bus/types.ts';
import { maySignReceipt, RECEIPT_SIGNATURE_HEADER, type Receipt } from '../core/envelopes.ts';
import { RelaisError } from '../core/errors.ts';
import { verifyJws, type PublicJwk } from '../core/signing.ts';

export type RefusalReason = 'missing' | 'unknown-key' | 'mismatch' | 'wrong-signer';

export class ReceiptRefused extends RelaisError {
  readonly reason: RefusalReason;
  /** The system the refused receipt names. */
  readonly system: string;
  constructor(reason: RefusalReason, receipt: Receipt, message: string) {
    super('SIGNATURE_INVALID', message);
    this.reason = reason;
    this.system = receipt.system;
  }
}

export class ReceiptVerifier {
  private keys: PublicJwk[];
  private loadedAt = Date.now();
  private readonly load: () => PublicJwk[];
  private readonly maxAgeMs: number;

  constructor(load: () => PublicJwk[], options: { maxAgeMs?: number } = {}) {
    this.load = load;
    this.keys = load();
    this.maxAgeMs = options.maxAgeMs ?? 30_000;
  }

  private reload(): void {
    this.keys = this.load();
    this.loadedAt = Date.now();
  }

  /** The public keys as last read. */
  published(): PublicJwk[] {
    return this.keys;
  }

  private keyFor(kid: string): PublicJwk | undefined {
    if (Date.now() - this.loadedAt > this.maxAgeMs) this.reload();
    const known = this.keys.find((key) => key.kid === kid);
    if (known || Date.now() - this.loadedAt < 1000) return known;
    this.reload();
    return this.keys.find((key) => key.kid === kid);
  }

  /** Throws ReceiptRefused unless `message` carries a valid signature by a key allowed to speak for `receipt`. */
  verify(message: Pick<IncomingMessage, 'headers' | 'value'>, receipt: Receipt): { kid: string; signature: string } {
    const signature = message.headers[RECEIPT_SIGNATURE_HEADER];
    if (!signature)
      throw new ReceiptRefused('missing', receipt, `receipt from ${receipt.system} has no ${RECEIPT_SIGNATURE_HEADER} header`);
    let kid: string;
    try {
      kid = String((JSON.parse(Buffer.from(signature.split('.')[0] ?? '', 'base64url').toString('utf8')) as { kid?: unknown }).kid);
    } catch {
      throw new ReceiptRefused('mismatch', receipt, `receipt from ${receipt.system}: its signature is not a JWS`);
    }
    const key = this.keyFor(kid);
    if (!key)
      throw new ReceiptRefused('unknown-key', receipt, `receipt from ${receipt.system} signed with key ${kid}, which is not published`);
    try {
      verifyJws(signature, [key], message.value);
    } catch (error) {
      throw new ReceiptRefused('mismatch', receipt, `receipt from ${receipt.system}: ${(error as Error).message}`);
    }
    if (!maySignReceipt(key.signer, receipt))
      throw new ReceiptRefused(
        'wrong-signer',
        receipt,
        `a ${receipt.status} receipt for ${receipt.system} signed by ${key.signer}'s key ${kid}`,
      );
    return { kid, signature };
  }
}
