/**
 * The disclosure ledger (docs/privacy.md, docs/adr/0030): per change and recipient system, what
 * Relais handed over (the router's `delivered` receipt: route, legal basis, field names) and
 * when the system applied it (its connector's `applied`). Written by the receipts consumer in the
 * transaction that moves the statuses, one statement per batch, so the ledger and the statuses
 * never disagree. Read by GET /v1/citizens/{pivotId}/disclosures (gateway/disclosures-view.ts)
 * with the agents' reads of the citizen's data, which the audit log holds.
 */
import type { Receipt } from '../core/envelopes.ts';
import type { Queryable } from '../core/store/db.ts';

/** What the ledger keeps of one recipient of one change, merged from the batch's receipts. */
interface LedgerFacts {
  changeId: string;
  system: string;
  route: string | null;
  legalBasis: string | null;
  purpose: string | null;
  fields: string[] | null;
  handedOverAt: string | null;
  appliedAt: string | null;
}

/**
 * The ledger's facts in a batch of receipts: one entry per (change, system), so that a batch
 * holding both the router's `delivered` and the connector's `applied` is one row of one
 * statement (PostgreSQL refuses to update a row twice in one INSERT … ON CONFLICT).
 */
export function ledgerFacts(receipts: Receipt[], purposeOf: (route: string) => string | undefined): LedgerFacts[] {
  const facts = new Map<string, LedgerFacts>();
  for (const receipt of receipts) {
    if (receipt.status !== 'delivered' && receipt.status !== 'applied') continue;
    const key = `${receipt.eventId} ${receipt.system}`;
    const entry = facts.get(key) ?? {
      ...{ changeId: receipt.eventId, system: receipt.system, route: null, legalBasis: null, purpose: null },
      ...{ fields: null, handedOverAt: null, appliedAt: null },
    };
    if (receipt.route) entry.route = receipt.route;
    if (receipt.route) entry.purpose = purposeOf(receipt.route) ?? entry.purpose;
    if (receipt.legalBasis) entry.legalBasis = receipt.legalBasis;
    if (receipt.fields) entry.fields = receipt.fields;
    if (receipt.status === 'delivered') entry.handedOverAt = receipt.at;
    else entry.appliedAt = receipt.at;
    facts.set(key, entry);
  }
  return [...facts.values()];
}

/**
 * Records the batch's disclosures in one statement. The citizen and the channel come from the
 * change; a receipt for a change the store does not have records nothing. Each fact is kept
 * once: a replayed receipt changes nothing, a later one only fills what was missing.
 */
export async function recordDisclosures(
  tx: Queryable,
  receipts: Receipt[],
  purposeOf: (route: string) => string | undefined = () => undefined,
): Promise<void> {
  const facts = ledgerFacts(receipts, purposeOf);
  if (facts.length === 0) return;
  await tx.query(
    `INSERT INTO disclosures (change_id, system, pivot_id, channel, event_type, route, legal_basis, purpose, fields, handed_over_at, applied_at)
     SELECT f.change_id, f.system, c.pivot_id, c.channel, c.type, f.route, f.legal_basis, f.purpose,
            CASE WHEN f.fields IS NULL THEN NULL ELSE string_to_array(f.fields, ' ') END, f.handed_over_at, f.applied_at
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[])
            AS f(change_id, system, route, legal_basis, purpose, fields, handed_over_at, applied_at)
       JOIN changes c ON c.id = f.change_id
     ON CONFLICT (change_id, system) DO UPDATE SET
       route = COALESCE(disclosures.route, EXCLUDED.route),
       legal_basis = COALESCE(disclosures.legal_basis, EXCLUDED.legal_basis),
       purpose = COALESCE(disclosures.purpose, EXCLUDED.purpose),
       fields = COALESCE(disclosures.fields, EXCLUDED.fields),
       handed_over_at = LEAST(disclosures.handed_over_at, EXCLUDED.handed_over_at),
       applied_at = LEAST(disclosures.applied_at, EXCLUDED.applied_at)`,
    [
      facts.map((f) => f.changeId),
      facts.map((f) => f.system),
      facts.map((f) => f.route),
      facts.map((f) => f.legalBasis),
      facts.map((f) => f.purpose),
      // Field names are dotted identifiers (the flows' schema): a space never occurs in one.
      facts.map((f) => (f.fields ? f.fields.join(' ') : null)),
      facts.map((f) => f.handedOverAt),
      facts.map((f) => f.appliedAt),
    ],
  );
}
