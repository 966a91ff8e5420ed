/**
 * Keeps each change's per-system status: consumes <prefix>.receipts and applies them in one
 * transaction per batch. Gateway replicas share the consumer group. A malformed receipt is
 * logged and skipped: it cannot be applied, and blocking the partition would stop every
 * status behind it. So is a receipt whose signature is missing or wrong (receipt-signatures.ts):
 * refused, counted (relais_receipts_refused_total, which an alert watches), the status unchanged.
 * A verified receipt is kept with its signature, as evidence.
 */
import type { Bus } from '../core/bus/types.ts';
import type { CitizenKeys } from '../privacy/citizen-keys.ts';
import { decodeReceipt } from '../core/envelopes.ts';
import { describeError } from '../core/errors.ts';
import type { Flows } from '../core/flows/flows.ts';
import type { Logger } from '../core/logger.ts';
import type { Db } from '../core/store/db.ts';
import type { TopicNames } from '../core/topics.ts';
import { applyReceipts, type SignedReceipt } from './changes/receipts.ts';
import { ReceiptRefused, type ReceiptVerifier, type RefusalReason } from './receipt-signatures.ts';

/** Hooks for metrics (core/metrics.ts fills them); every hook is optional. */
export interface ReceiptMetrics {
  received?(system: string, status: string): void;
  /** A system's first `applied` for a change: seconds since the gateway accepted it. */
  firstApplied?(system: string, seconds: number): void;
  /** A receipt refused for its signature. */
  refused?(system: string, reason: RefusalReason): void;
}

export async function startReceiptsConsumer(options: {
  bus: Bus;
  db: Db;
  topics: TopicNames;
  groupId: string;
  logger: Logger;
  verifier: ReceiptVerifier;
  metrics?: ReceiptMetrics;
  /** The flows, for the purpose (the route's description) the disclosure ledger records. */
  flows?: () => Flows;
  /** The citizens' keys, to seal the settled notices (docs/adr/0032). */
  citizenKeys?: CitizenKeys | undefined;
}) {
  const purposeOf = (route: string): string | undefined =>
    options
      .flows?.()
      .routes.find((r) => r.id === route)
      ?.description?.trim();
  return options.bus.consume({
    groupId: options.groupId,
    topics: [options.topics.receipts],
    fromBeginning: true,
    handler: async (messages, context) => {
      const receipts: SignedReceipt[] = [];
      for (const message of messages) {
        try {
          const receipt = decodeReceipt(message);
          const { kid, signature } = options.verifier.verify(message, receipt);
          receipts.push({ ...receipt, signed: { payload: message.value.toString('utf8'), signature, kid } });
        } catch (error) {
          if (error instanceof ReceiptRefused) {
            options.metrics?.refused?.(error.system, error.reason);
            options.logger.warn(
              { partition: message.partition, offset: message.offset, reason: error.reason, error: describeError(error) },
              'receipt refused: signature',
            );
            continue;
          }
          options.logger.warn(
            { partition: message.partition, offset: message.offset, error: describeError(error) },
            'invalid receipt skipped',
          );
        }
      }
      const applied = await applyReceipts(options.db, receipts, {
        purposeOf,
        noticeTopic: options.topics.events,
        keys: options.citizenKeys,
      });
      for (const receipt of receipts) options.metrics?.received?.(receipt.system, receipt.status);
      for (const { system, seconds } of applied) options.metrics?.firstApplied?.(system, seconds);
      for (const message of messages) context.markProcessed(message);
    },
  });
}
