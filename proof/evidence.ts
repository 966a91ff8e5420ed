/**
 * Evidence bundles: one change's proof, exported from the store (`relais changes evidence <id>`)
 * and checked offline with the published public keys alone (`relais evidence verify <file>`).
 *
 * A bundle holds the change as accepted; its deliveries (recipient, route, legal basis, field
 * names, the digest of the data sent) as the router signed them; every receipt in its signer's
 * own words (payload and detached JWS); and the audit chain from the change's first entry to the
 * signed checkpoint that covers it — the change's own entries in full, the others by digest
 * only (core/audit/append.ts linkHash), so the chain is checked link by link without showing
 * other citizens' entries. The whole is signed with the instance's audit key, and written in one
 * canonical form, so changing any byte of the file fails verification.
 */
import { bodyDigest, chainHash, linkHash, type ChainedEntry } from '../core/audit/append.ts';
import { entryOfRow } from './audit-row.ts';
import { canonicalJson } from '../core/canonical-json.ts';
import { maySignReceipt, type Receipt } from '../core/envelopes.ts';
import { RelaisError } from '../core/errors.ts';
import { signJws, verifyJws, type PublicJwk, type SigningKey } from '../core/signing.ts';
import type { Db, Queryable } from '../core/store/db.ts';
import type { AuditRow } from './audit-verify.ts';
import { writeCheckpoint, type CheckpointStatement } from './checkpoints.ts';
import { sealAuditEntries } from './seal.ts';

export const EVIDENCE_FORMAT = 'relais-evidence/1';

type AuditLink =
  | { seq: number; prevHash: string; hash: string; entry: Omit<ChainedEntry, 'at'> & { at: string } }
  | { seq: number; prevHash: string; hash: string; bodyDigest: string };

export interface EvidenceBundle {
  format: typeof EVIDENCE_FORMAT;
  exportedAt: string;
  change: {
    id: string;
    type: string;
    pivotId: string | null;
    channel: string | null;
    caller: string;
    originSystem: string | null;
    acceptedAt: string;
    data: unknown;
  };
  deliveries: { system: string; status: string; route?: string; legalBasis?: string; fields?: string[]; dataDigest?: string }[];
  receipts: { payload: string; signature: string; kid: string }[];
  audit: { links: AuditLink[]; checkpoint: string };
  signature: string;
}

/** The one serialisation a bundle is written in: sorted keys, two-space indent, final newline. */
export function serialiseBundle(bundle: EvidenceBundle): string {
  return `${JSON.stringify(JSON.parse(canonicalJson(bundle)), null, 2)}\n`;
}

const unsigned = (bundle: Omit<EvidenceBundle, 'signature'> & { signature?: string }): string => {
  const { signature: _signature, ...rest } = bundle;
  return canonicalJson(rest);
};

async function changeOf(db: Queryable, id: string): Promise<EvidenceBundle['change']> {
  const rows = await db.query<{
    type: string;
    pivot_id: string | null;
    channel: string | null;
    caller: string;
    origin_system: string | null;
    accepted_at: Date;
    data: unknown;
  }>('SELECT type, pivot_id, channel, caller, origin_system, accepted_at, data FROM changes WHERE id = $1::uuid', [id]);
  const row = rows.rows[0];
  if (!row) throw new RelaisError('EVIDENCE_INVALID', `no change ${id} in the store`);
  const { type, channel, caller, data } = row;
  return {
    id,
    type,
    pivotId: row.pivot_id,
    channel,
    caller,
    originSystem: row.origin_system,
    acceptedAt: row.accepted_at.toISOString(),
    data,
  };
}

/** The chain from the change's first entry to the checkpoint covering its last (signed now if none does yet). */
async function auditExcerpt(db: Queryable | Db, id: string, key: SigningKey): Promise<EvidenceBundle['audit']> {
  // The change's latest entries may be waiting for the sealer: sealed now, so they have a place.
  await sealAuditEntries(db);
  const own = await db.query<{ first: string | null; last: string | null }>(
    'SELECT min(seq)::text AS first, max(seq)::text AS last FROM audit_log WHERE change_id = $1::uuid',
    [id],
  );
  const { first, last } = own.rows[0] ?? {};
  if (!first || !last) throw new RelaisError('EVIDENCE_INVALID', `change ${id} has no entry in the audit chain`);
  const covering = async () =>
    (
      await db.query<{ seq: string; jws: string }>(
        'SELECT seq::text AS seq, jws FROM audit_checkpoints WHERE seq >= $1::bigint ORDER BY seq LIMIT 1',
        [last],
      )
    ).rows[0];
  const checkpoint = (await covering()) ?? ((await writeCheckpoint(db, key)) && (await covering()));
  if (!checkpoint) throw new RelaisError('EVIDENCE_INVALID', `no checkpoint covers the audit entries of change ${id}`);
  const rows = await db.query<AuditRow>(
    `SELECT seq::text AS seq, at, actor, action, change_id, pivot_id, channel, details, prev_hash, hash
       FROM audit_log WHERE seq BETWEEN $1::bigint AND $2::bigint ORDER BY audit_log.seq`,
    [first, checkpoint.seq],
  );
  const links = rows.rows.map((row): AuditLink => {
    const entry = entryOfRow(row);
    const base = { seq: Number(row.seq), prevHash: row.prev_hash, hash: row.hash };
    return row.change_id === id ? { ...base, entry: { ...entry, at: row.at.toISOString() } } : { ...base, bodyDigest: bodyDigest(entry) };
  });
  return { links, checkpoint: checkpoint.jws };
}

/**
 * `openData` turns the stored data into what the bundle shows: the privacy codec's reader (sealed
 * data opened; after an erasure, its clear fields and `relaisErased`), injected by the caller.
 */
export async function exportEvidence(
  db: Queryable,
  id: string,
  key: SigningKey,
  openData: (record: { id: string; data: unknown }) => Promise<unknown> = async ({ data }) => data,
): Promise<EvidenceBundle> {
  const stored = await changeOf(db, id);
  const change = { ...stored, data: await openData({ id, data: stored.data }) };
  const receipts = await db.query<{ payload: string; signature: string; key_id: string }>(
    'SELECT payload, signature, key_id FROM receipt_evidence WHERE change_id = $1::uuid ORDER BY system, received_at, status',
    [id],
  );
  const statuses = await db.query<{ system: string; status: string }>(
    'SELECT system, status FROM change_recipients WHERE change_id = $1::uuid ORDER BY system',
    [id],
  );
  const delivered = new Map(
    receipts.rows
      .map((r) => JSON.parse(r.payload) as Receipt)
      .filter((r) => r.status === 'delivered')
      .map((r) => [r.system, r]),
  );
  const deliveries = statuses.rows.map(({ system, status }) => {
    const d = delivered.get(system);
    return { system, status, ...(d ? { route: d.route, legalBasis: d.legalBasis, fields: d.fields, dataDigest: d.dataDigest } : {}) };
  });
  const bundle = {
    format: EVIDENCE_FORMAT,
    exportedAt: new Date().toISOString(),
    change,
    deliveries: JSON.parse(JSON.stringify(deliveries)) as EvidenceBundle['deliveries'],
    receipts: receipts.rows.map((r) => ({ payload: r.payload, signature: r.signature, kid: r.key_id })),
    audit: await auditExcerpt(db, id, key),
  } as const;
  return { ...bundle, signature: signJws(key, unsigned(bundle), { detached: true }) };
}

function fail(message: string): never {
  throw new RelaisError('EVIDENCE_INVALID', message);
}

function checkAudit(bundle: EvidenceBundle, auditKeys: PublicJwk[]): void {
  const { links, checkpoint } = bundle.audit;
  let statement: CheckpointStatement;
  try {
    statement = JSON.parse(verifyJws(checkpoint, auditKeys).payload.toString('utf8')) as CheckpointStatement;
  } catch (error) {
    return fail(`audit checkpoint: ${(error as Error).message}`);
  }
  let previous: string | undefined;
  for (const [i, link] of links.entries()) {
    if (i > 0 && link.seq !== links[i - 1]!.seq + 1) fail(`audit entry ${links[i - 1]!.seq + 1} is missing from the excerpt`);
    if (previous !== undefined && link.prevHash !== previous) fail(`audit entry ${link.seq} does not follow entry ${link.seq - 1}`);
    const hash =
      'entry' in link ? chainHash(link.prevHash, { ...link.entry, at: new Date(link.entry.at) }) : linkHash(link.prevHash, link.bodyDigest);
    if (hash !== link.hash) fail(`audit entry ${link.seq} does not match its hash`);
    previous = hash;
  }
  const end = links.at(-1);
  if (!end || end.seq !== statement.seq || end.hash !== statement.hash) fail('the audit excerpt does not end at its signed checkpoint');
  const accepted = links.find((l) => 'entry' in l && l.entry.action === 'change.accepted' && l.entry.changeId === bundle.change.id);
  if (!accepted) fail("the audit excerpt does not hold the change's change.accepted entry");
}

function checkReceipts(bundle: EvidenceBundle, keys: readonly PublicJwk[]): void {
  const said = new Map<string, Receipt>();
  for (const { payload, signature } of bundle.receipts) {
    let key: PublicJwk;
    try {
      key = verifyJws(signature, keys, payload).key;
    } catch (error) {
      return fail(`a receipt: ${(error as Error).message}`);
    }
    const receipt = JSON.parse(payload) as Receipt;
    if (receipt.eventId !== bundle.change.id) fail(`a receipt of ${receipt.system} is about another change`);
    if (!maySignReceipt(key.signer, receipt)) fail(`a ${receipt.status} receipt of ${receipt.system} is signed by ${key.signer}`);
    said.set(`${receipt.system} ${receipt.status}`, receipt);
  }
  for (const delivery of bundle.deliveries) {
    if (delivery.dataDigest === undefined) continue;
    const signed = said.get(`${delivery.system} delivered`);
    if (
      !signed ||
      signed.route !== delivery.route ||
      signed.legalBasis !== delivery.legalBasis ||
      signed.dataDigest !== delivery.dataDigest
    ) {
      fail(`the delivery to ${delivery.system} is not what the router signed`);
    }
    if (canonicalJson(signed.fields) !== canonicalJson(delivery.fields))
      fail(`the fields delivered to ${delivery.system} are not the ones signed`);
    const applied = said.get(`${delivery.system} applied`);
    if (applied?.dataDigest !== undefined && applied.dataDigest !== delivery.dataDigest) {
      fail(`${delivery.system} signed that it applied other data than was delivered`);
    }
  }
}

/** Checks a bundle file's text offline; throws EVIDENCE_INVALID naming what fails. */
export function verifyEvidence(text: string, keys: readonly PublicJwk[]): EvidenceBundle {
  let bundle: EvidenceBundle;
  try {
    bundle = JSON.parse(text) as EvidenceBundle;
  } catch {
    return fail('not JSON');
  }
  if ((bundle.format as string) !== EVIDENCE_FORMAT) fail('not a relais-evidence/1 bundle');
  if (serialiseBundle(bundle) !== text) fail('the file is not in its signed form: it was edited');
  const auditKeys = keys.filter((key) => key.signer === 'audit');
  try {
    verifyJws(bundle.signature, auditKeys, unsigned(bundle));
  } catch (error) {
    fail(`the bundle's signature: ${(error as Error).message}`);
  }
  checkAudit(bundle, auditKeys);
  checkReceipts(bundle, keys);
  return bundle;
}
