/**
 * The read side of the disclosure ledger (privacy/disclosures.ts writes it): a citizen's
 * deliveries, and the reads of their data by anyone but themself from the audit log, as
 * GET /v1/citizens/{pivotId}/disclosures answers them.
 */
import type { Queryable } from '../core/store/db.ts';
import type { components } from './generated/api.ts';

type DisclosureEntry = components['schemas']['Disclosure'];

interface LedgerRow {
  change_id: string;
  system: string;
  channel: string | null;
  event_type: string;
  route: string | null;
  legal_basis: string | null;
  purpose: string | null;
  fields: string[] | null;
  handed_over_at: Date | null;
  applied_at: Date | null;
  recorded_at: Date;
}

interface ReadRow {
  at: Date;
  actor: string;
  change_id: string | null;
  details: { operation?: string; grant?: string; purpose?: string };
}

const iso = (value: Date | null): string | undefined => (value ? new Date(value).toISOString() : undefined);

function deliveryOf(row: LedgerRow): DisclosureEntry {
  const entry: DisclosureEntry = {
    kind: 'delivery',
    at: iso(row.handed_over_at ?? row.applied_at ?? row.recorded_at)!,
    changeId: row.change_id,
    eventType: row.event_type,
    system: row.system,
  };
  const optional = {
    channel: row.channel ?? undefined,
    route: row.route ?? undefined,
    legalBasis: row.legal_basis ?? undefined,
    purpose: row.purpose ?? undefined,
    fields: row.fields ?? undefined,
    handedOverAt: iso(row.handed_over_at),
    appliedAt: iso(row.applied_at),
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) Object.assign(entry, { [key]: value });
  return entry;
}

/**
 * Reads of the citizen's data by someone other than the citizen: the audit log's
 * `personal-data.read` entries about one of these pivot ids or one of their changes, but for the
 * citizen's own (grants `read.own-timeline`, `read.own-disclosures`).
 */
async function readsOf(db: Queryable, pivots: string[]): Promise<DisclosureEntry[]> {
  const rows = await db.query<ReadRow>(
    `SELECT a.at, a.actor, a.change_id, a.details FROM audit_log a
      WHERE a.action = 'personal-data.read'
        AND (a.pivot_id = ANY($1::uuid[]) OR a.change_id IN (SELECT id FROM changes WHERE pivot_id = ANY($1::uuid[])))
        AND coalesce(a.details->>'grant', '') NOT SIMILAR TO '%.read.own-(timeline|disclosures)'
      ORDER BY a.id`,
    [pivots],
  );
  return rows.rows.map((row) => ({
    kind: 'read' as const,
    at: iso(row.at)!,
    reader: row.actor,
    ...(row.change_id ? { changeId: row.change_id } : {}),
    ...(row.details.operation ? { operation: row.details.operation } : {}),
    ...(row.details.grant ? { grant: row.details.grant } : {}),
    ...(row.details.purpose ? { purpose: row.details.purpose } : {}),
  }));
}

/** The citizen's disclosures, newest first: deliveries from the ledger and agents' reads from the audit log. */
export async function disclosuresOf(db: Queryable, pivots: string[]): Promise<DisclosureEntry[]> {
  const ledger = await db.query<LedgerRow>(
    `SELECT change_id, system, channel, event_type, route, legal_basis, purpose, fields, handed_over_at, applied_at, recorded_at
       FROM disclosures WHERE pivot_id = ANY($1::uuid[])`,
    [pivots],
  );
  const entries = [...ledger.rows.map(deliveryOf), ...(await readsOf(db, pivots))];
  return entries.sort((a, b) => b.at.localeCompare(a.at));
}
