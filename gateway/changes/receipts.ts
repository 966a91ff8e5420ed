/**
 * Receipts move a change's per-system status forward (the receipts consumer applies them in
 * batches); the change and its `pending` recipients were recorded by accept.ts, the router and
 * the connectors settle them from here.
 */
import type { Receipt } from '../../core/envelopes.ts';
import type { Db, Queryable } from '../../core/store/db.ts';
import type { CitizenKeys } from '../../privacy/citizen-keys.ts';
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

/** The rank of a status: a status only moves to a higher rank, or between settled ones to a later decision. */
function rank(status: string): number {
  return status === 'pending' ? 0 : status === 'delivered' ? 1 : status === 'unknown' ? 2 : 3;
}

/** What one batch says about one recipient: its last status by the rules above, and the first time of each step. */
export interface FoldedReceipt {
  eventId: string;
  system: string;
  status: string;
  reason: string | null;
  at: string;
  deliveredAt: string | null;
  settledAt: string | null;
  appliedAt: string | null;
}

const SETTLED = new Set(['applied', 'rejected', 'superseded', 'dead_lettered', 'objected']);
/** Statuses after which the recipient is still to settle (as the settled notice counts them). */
const UNSETTLED = new Set(['pending', 'delivered', 'unknown']);

/**
 * Folds a batch's receipts into one per recipient (change, system), as applying them one after
 * the other would leave it, so the batch is written in one statement: PostgreSQL's
 * INSERT … ON CONFLICT cannot touch one row twice in a statement.
 */
export function foldReceipts(receipts: Receipt[]): FoldedReceipt[] {
  const byRecipient = new Map<string, FoldedReceipt>();
  for (const r of receipts) {
    const key = `${r.eventId} ${r.system}`;
    const folded = byRecipient.get(key);
    const step = {
      deliveredAt: r.status === 'delivered' ? r.at : null,
      settledAt: SETTLED.has(r.status) ? r.at : null,
      appliedAt: r.status === 'applied' ? r.at : null,
    };
    if (!folded) {
      byRecipient.set(key, { eventId: r.eventId, system: r.system, status: r.status, reason: r.reason ?? null, at: r.at, ...step });
      continue;
    }
    const advances =
      rank(folded.status) < rank(r.status) ||
      (rank(folded.status) === 3 && rank(r.status) === 3 && Date.parse(folded.at) < Date.parse(r.at));
    if (advances) Object.assign(folded, { status: r.status, reason: r.reason ?? null, at: r.at });
    folded.deliveredAt ??= step.deliveredAt;
    folded.settledAt ??= step.settledAt;
    folded.appliedAt ??= step.appliedAt;
  }
  return [...byRecipient.values()];
}

export async function applyReceipts(
  db: Db,
  receipts: SignedReceipt[],
  options: {
    purposeOf?: (route: string) => string | undefined;
    /** The events topic: with it, a change now settled everywhere gets its notice (privacy/settled-notice.ts). */
    noticeTopic?: string;
    /** The citizens' keys: the notice is sealed like the change (docs/adr/0032). */
    keys?: CitizenKeys | undefined;
  } = {},
): Promise<FirstApplied[]> {
  if (receipts.length === 0) return [];
  const rankSql = (column: string) => `CASE ${column} WHEN 'pending' THEN 0 WHEN 'delivered' THEN 1 WHEN 'unknown' THEN 2 ELSE 3 END`;
  const advance = `(${rankSql('change_recipients.status')} < ${rankSql('EXCLUDED.status')}
    OR (${rankSql('change_recipients.status')} = 3 AND ${rankSql('EXCLUDED.status')} = 3 AND change_recipients.status_at < EXCLUDED.status_at))`;
  const folded = foldReceipts(receipts);
  const column = <K extends keyof FoldedReceipt>(key: K) => folded.map((f) => f[key]);
  return db.transaction(async (tx) => {
    await keepEvidence(tx, receipts);
    // The disclosure ledger in the same transaction as the statuses: they never disagree.
    await recordDisclosures(tx, receipts, options.purposeOf);
    // One statement for the batch (docs/performance.md): a round trip per receipt was the
    // receipts consumer's cost under load.
    const result = await tx.query<{ change_id: string; system: string; applied_at: Date | null; seconds: number | null }>(
      `INSERT INTO change_recipients (change_id, system, status, reason, status_at, updated_at, delivered_at, settled_at, applied_at)
       SELECT r.change_id, r.system, r.status, r.reason, r.at, now(), r.delivered_at, r.settled_at, r.applied_at
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[], $8::timestamptz[])
              AS r(change_id, system, status, reason, at, delivered_at, settled_at, applied_at)
        WHERE EXISTS (SELECT 1 FROM changes WHERE id = r.change_id)
       ON CONFLICT (change_id, system) DO UPDATE SET
         status = CASE WHEN ${advance} THEN EXCLUDED.status ELSE change_recipients.status END,
         reason = CASE WHEN ${advance} THEN EXCLUDED.reason ELSE change_recipients.reason END,
         status_at = CASE WHEN ${advance} THEN EXCLUDED.status_at ELSE change_recipients.status_at END,
         updated_at = CASE WHEN ${advance} THEN now() ELSE change_recipients.updated_at END,
         delivered_at = COALESCE(change_recipients.delivered_at, EXCLUDED.delivered_at),
         settled_at = COALESCE(change_recipients.settled_at, EXCLUDED.settled_at),
         applied_at = COALESCE(change_recipients.applied_at, EXCLUDED.applied_at)
       RETURNING change_id::text AS change_id, system, applied_at,
                 extract(epoch FROM applied_at - (SELECT accepted_at FROM changes WHERE id = change_id))::float8 AS seconds`,
      [
        column('eventId'),
        column('system'),
        column('status'),
        column('reason'),
        column('at'),
        column('deliveredAt'),
        column('settledAt'),
        column('appliedAt'),
      ],
    );
    // The notice commits with the receipt that settles the last system: once, whatever is
    // redelivered. Only a settling receipt can be that one: a batch of `delivered` asks nothing.
    const settling = receipts.filter((r) => !UNSETTLED.has(r.status)).map((r) => r.eventId);
    if (options.noticeTopic && settling.length > 0) await noticeSettled(tx, settling, options.noticeTopic, options.keys);
    // A first `applied`: this batch's applied time is the one the row kept (in the batch's order).
    const rows = new Map(result.rows.map((row) => [`${row.change_id} ${row.system}`, row]));
    return folded.flatMap((f) => {
      const row = rows.get(`${f.eventId} ${f.system}`);
      const first = f.appliedAt !== null && row?.applied_at?.getTime() === Date.parse(f.appliedAt) && row.seconds !== null;
      return first ? [{ system: f.system, seconds: Math.max(0, row.seconds ?? 0) }] : [];
    });
  });
}
