/**
 * No stale write (docs/adr/0017-no-stale-write.md): per system, the sequence of the newest
 * change applied for each citizen and kind of data (sink_versions). A delivery whose sequence
 * is lower — a replayed dead letter, a late retry, a redelivery after a rebalance — is not
 * handed to the sink: it is settled `superseded`, so the silo keeps the newer value.
 *
 * Deliveries without a sequence (published before sequences existed) and kinds of data that
 * replace nothing of the citizen's (core/envelopes.ts dataKindOf) are never superseded.
 */
import { dataKindOf, seqOf, type Delivery } from '../../../../core/envelopes.ts';
import { isUuid } from '../../../../core/ids.ts';
import type { Queryable } from '../../../../core/store/db.ts';
import type { IncomingMessage } from '../../../../core/bus/types.ts';
import type { Decided, Settlement } from './settlement.ts';

interface Version {
  key: string;
  pivotId: string;
  kind: string;
  seq: number;
}

/** What a version is made of: the citizen, the kind of change, its sequence. */
type Versioned = Pick<Delivery, 'pivotId' | 'type' | 'seq'>;

function versionOf(delivery: Versioned): Version | undefined {
  const kind = dataKindOf(delivery.type);
  if (kind === undefined || delivery.seq === undefined) return undefined;
  return { key: `${delivery.pivotId} ${kind}`, pivotId: delivery.pivotId, kind, seq: delivery.seq };
}

/** What is known to be applied, for one batch: loaded once, then moved forward as the batch applies. */
export class AppliedVersions {
  private readonly seqs: Map<string, number>;

  constructor(seqs: Map<string, number> = new Map()) {
    this.seqs = seqs;
  }

  /** The settlement of a delivery older than what was applied, or undefined when it may be applied. */
  stale(delivery: Delivery): Settlement | undefined {
    const version = versionOf(delivery);
    const newest = version && this.seqs.get(version.key);
    if (!version || newest === undefined || version.seq >= newest) return undefined;
    return {
      outcome: 'superseded',
      reason: `a newer change of this kind (sequence ${newest}) was already applied; this one (sequence ${version.seq}) is not written`,
      attempts: 0,
    };
  }

  /** Records (in memory) that a delivery was applied. */
  applied(delivery: Delivery): void {
    const version = versionOf(delivery);
    if (version && version.seq > (this.seqs.get(version.key) ?? 0)) this.seqs.set(version.key, version.seq);
  }
}

/** The applied versions for these deliveries' citizens and kinds of data, in one query. */
export async function loadAppliedVersions(db: Queryable, system: string, deliveries: Versioned[]): Promise<AppliedVersions> {
  const wanted = [...new Map(deliveries.flatMap((d) => versionOf(d) ?? []).map((v) => [v.key, v])).values()];
  if (wanted.length === 0) return new AppliedVersions();
  const result = await db.query<{ pivot_id: string; kind: string; seq: string }>(
    `SELECT v.pivot_id, v.kind, v.seq FROM sink_versions v
       JOIN unnest($2::uuid[], $3::text[]) AS w (pivot_id, kind) ON v.pivot_id = w.pivot_id AND v.kind = w.kind
      WHERE v.system = $1`,
    [system, wanted.map((v) => v.pivotId), wanted.map((v) => v.kind)],
  );
  return new AppliedVersions(new Map(result.rows.map((r) => [`${r.pivot_id} ${r.kind}`, Number(r.seq)])));
}

/**
 * The versions messages declare in their CloudEvents headers (ce_subject, ce_type, ce_relaisseq),
 * the same attributes decodeDelivery reads: known before a sealed message is opened, so the
 * versions are read side by side with the ledger and the keys. A header that is not a pivot id
 * names no version (such a message is poison, settled without the sink).
 */
export function declaredVersions(messages: Pick<IncomingMessage, 'headers'>[]): Versioned[] {
  return messages.flatMap((m) => {
    const pivotId = m.headers['ce_subject'];
    const type = m.headers['ce_type'];
    if (typeof pivotId !== 'string' || !isUuid(pivotId) || typeof type !== 'string') return [];
    return [{ pivotId, type, seq: seqOf(m.headers['ce_relaisseq']) }];
  });
}

/** A version moved forward by a batch: the newest applied delivery of its citizen and kind. */
export type AppliedVersion = Omit<Version, 'key'> & { eventId: string };

/**
 * The versions a batch's applied deliveries move forward (the newest per citizen and kind),
 * written with the batch's ledger rows (ledger.ts recordSettled): never backward, so safe to
 * repeat, in any order.
 */
export function appliedVersions(applied: Delivery[]): AppliedVersion[] {
  const newest = new Map<string, AppliedVersion>();
  for (const delivery of applied) {
    const version = versionOf(delivery);
    if (version && version.seq > (newest.get(version.key)?.seq ?? 0)) {
      const { key, ...rest } = version;
      newest.set(key, { ...rest, eventId: delivery.eventId });
    }
  }
  return [...newest.values()];
}

/**
 * For a sink applying a batch in one call: settles as `superseded` the deliveries older than what
 * is applied, or than an earlier delivery of the same batch (which the call will apply first);
 * returns the rest, in order. Used by the sink runtime and the batch window.
 */
export function supersedeStale<P extends { message: IncomingMessage; delivery: Delivery }>(
  pending: P[],
  versions: AppliedVersions,
  decided: Map<IncomingMessage, Decided>,
): P[] {
  const fresh: P[] = [];
  for (const p of pending) {
    const stale = versions.stale(p.delivery);
    if (stale) decided.set(p.message, { ...p, settlement: stale });
    else {
      fresh.push(p);
      versions.applied(p.delivery);
    }
  }
  return fresh;
}
