/**
 * Receipts move a change's per-system status forward (the receipts consumer applies them in
 * batches); the change and its `pending` recipients were recorded by accept.ts, the router and
 * the connectors settle them from here.
 */
import type { Receipt } from '../../core/envelopes.ts';
import type { Db, Queryable } from '../../core/store/db.ts';
import { recordDisclosures } from '../../privacy/disclosures.ts';
import { noticeSettled } from '../../privacy/settled-notice.ts';

/** A system's first `applied` receipt for a change the gateway accepted, and how long it took. */
export interface FirstApplied {
  system: string;
  seconds: number;
}

/**
 * Applies receipts. A status only moves forward (pending → delivered → unknown → a settled status),
 * because receipts from the router and from the connector travel independently; between two
 * settled statuses (a dead letter replayed and then applied) the later decision wins.
 * Changes from source connectors are stored too (docs/adr/0006), so their receipts apply alike;
 * a receipt for a change the store does not have is ignored.
 * The first time of each step (delivered, settled, applied) is kept whatever the order.
 * Returns the receipts that were a system's first `applied` for its change (for the metrics).
 */
/** A receipt with the signature it came with (the consumer verified it): kept as evidence (receipt_evidence). */
export interface SignedReceipt extends Receipt {
  signed?: { payload: string; signature: string; kid: string } | undefined;
}

/** Keeps each verified receipt as it was signed, in one statement for the batch. */
async function keepEvidence(tx: Queryable, all: SignedReceipt[]): Promise<void> {
  const receipts = all.filter((r): r is SignedReceipt & Required<Pick<SignedReceipt, 'signed'>> => r.signed !== undefined);
  if (receipts.length === 0) return;
  await tx.query(
    `INSERT INTO receipt_evidence (change_id, system, status, payload, signature, key_id)
     SELECT r.change_id, r.system, r.status, r.payload, r.signature, r.key_id
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS r(change_id, system, status, payload, signature, key_id)
      WHERE EXISTS (SELECT 1 FROM changes WHERE id = r.change_id)
     ON CONFLICT (change_id, system, status) DO NOTHING`,
    [
      receipts.map((r) => r.eventId),
      receipts.map((r) => r.system),
      receipts.map((r) => r.status),
      receipts.map((r) => r.signed.payload),
      receipts.map((r) => r.signed.signature),
      receipts.map((r) => r.signed.kid),
    ],
  );
}

export async function applyReceipts(
  db: Db,
  receipts: SignedReceipt[],
  options: {
    purposeOf?: (route: string) => string | undefined;
    /** The events topic: with it, a change now settled everywhere gets its notice (privacy/settled-notice.ts). */
    noticeTopic?: string;
  } = {},
): Promise<FirstApplied[]> {
  if (receipts.length === 0) return [];
  const rankSql = (column: string) => `CASE ${column} WHEN 'pending' THEN 0 WHEN 'delivered' THEN 1 WHEN 'unknown' THEN 2 ELSE 3 END`;
  const advance = `(${rankSql('change_recipients.status')} < ${rankSql('EXCLUDED.status')}
    OR (${rankSql('change_recipients.status')} = 3 AND ${rankSql('EXCLUDED.status')} = 3 AND change_recipients.status_at < EXCLUDED.status_at))`;
  const firstApplied: FirstApplied[] = [];
  await db.transaction(async (tx) => {
    await keepEvidence(tx, receipts);
    // The disclosure ledger in the same transaction as the statuses: they never disagree.
    await recordDisclosures(tx, receipts, options.purposeOf);
    for (const receipt of receipts) {
      const result = await tx.query<{ first_applied: boolean; seconds: number | null }>(
        `INSERT INTO change_recipients (change_id, system, status, reason, status_at, updated_at, delivered_at, settled_at, applied_at)
         SELECT $1, $2, $3, $4, $5, now(),
                CASE WHEN $3 = 'delivered' THEN $5::timestamptz END,
                CASE WHEN $3 IN ('applied', 'rejected', 'superseded', 'dead_lettered', 'objected') THEN $5::timestamptz END,
                CASE WHEN $3 = 'applied' THEN $5::timestamptz END
         WHERE EXISTS (SELECT 1 FROM changes WHERE id = $1)
         ON CONFLICT (change_id, system) DO UPDATE SET
           status = CASE WHEN ${advance} THEN EXCLUDED.status ELSE change_recipients.status END,
           reason = CASE WHEN ${advance} THEN EXCLUDED.reason ELSE change_recipients.reason END,
           status_at = CASE WHEN ${advance} THEN EXCLUDED.status_at ELSE change_recipients.status_at END,
           updated_at = CASE WHEN ${advance} THEN now() ELSE change_recipients.updated_at END,
           delivered_at = COALESCE(change_recipients.delivered_at, EXCLUDED.delivered_at),
           settled_at = COALESCE(change_recipients.settled_at, EXCLUDED.settled_at),
           applied_at = COALESCE(change_recipients.applied_at, EXCLUDED.applied_at)
         RETURNING ($3 = 'applied' AND applied_at = $5::timestamptz) AS first_applied,
                   extract(epoch FROM applied_at - (SELECT accepted_at FROM changes WHERE id = $1))::float8 AS seconds`,
        [receipt.eventId, receipt.system, receipt.status, receipt.reason ?? null, receipt.at],
      );
      const row = result.rows[0];
      if (row?.first_applied && row.seconds !== null) firstApplied.push({ system: receipt.system, seconds: Math.max(0, row.seconds) });
    }
    // The notice commits with the receipt that settles the last system: once, whatever is redelivered.
    if (options.noticeTopic)
      await noticeSettled(
        tx,
        receipts.map((r) => r.eventId),
        options.noticeTopic,
      );
  });
  return firstApplied;
}
