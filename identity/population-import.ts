/**
 * Onboarding a silo's population (`relais identities import <system> --file …`): each record (the
 * system's identifier and the person's civil data) is matched against the authoritative register
 * with Relais' rules (identity/matching.ts):
 *   - already in the crosswalk        → already-linked (nothing asked, nothing written);
 *   - exactly one plausible person    → linked: the system's identifier and the register's joined
 *                                       to one pivot id (method `import`, with the match explained);
 *   - homonyms, or a person below the link score, or a citizen already holding another identifier
 *     in that system                  → held, with the candidates' register ids and scores;
 *   - nobody                          → unmatched (a report line);
 *   - a record that cannot be read    → invalid (a report line naming the field).
 * Records are committed in batches, each with its outcome rows and the import's checkpoint, so a
 * crash loses at most the batch in flight and a rerun of the same file resumes after the last
 * committed record (the import's id is the system and the file's SHA-256). The report counts the
 * outcome rows: right whatever the crash point. Civil data are never stored nor logged.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { newPivotId } from '../core/ids.ts';
import type { Db, Queryable } from '../core/store/db.ts';
import type { CivilIdentity, IdentityResolver } from './civil-identity.ts';
import type { LinkMatch } from './match-record.ts';
import { DEFAULT_THRESHOLDS, matchCandidates, type MatchThresholds } from './matching.ts';

export type ImportOutcome = 'linked' | 'held' | 'unmatched' | 'already-linked' | 'invalid';

export interface ImportRecord {
  line: number;
  localId: string;
  civil?: CivilIdentity;
  /** Why the record could not be read (field and reason). */
  invalid?: string;
}

export interface ImportReport {
  importId: string;
  system: string;
  dryRun: boolean;
  /** Records read from the file. */
  total: number;
  /** Records this run skipped: committed by an earlier run of the same file. */
  resumedAfter: number;
  counts: Record<ImportOutcome, number>;
  /** The unmatched and invalid records: line, identifier, reason. */
  lines: { line: number; localId: string; outcome: ImportOutcome; reason?: string }[];
}

export interface ImportOptions {
  db: Db;
  resolver: IdentityResolver;
  system: string;
  file: string;
  /** Who imports (the links' linked_by). */
  actor: string;
  dryRun?: boolean;
  batchSize?: number;
  thresholds?: MatchThresholds;
  /** Records processed so far (of this run), after each batch. */
  onProgress?: (done: number) => void;
  /** Fault injection for crash tests: called after each committed batch with the records committed. */
  afterBatch?: (committed: number) => void;
  signal?: AbortSignal;
}

const FIELDS = ['id', 'birthName', 'givenNames', 'dateOfBirth', 'birthPlace', 'birthPlaceInsee', 'birthCountry'] as const;

/** A CSV line's fields (RFC 4180 quoting, comma-separated). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quoted && char === '"' && line[i + 1] === '"') {
      field += '"';
      i++;
    } else if (char === '"') quoted = !quoted;
    else if (char === ',' && !quoted) {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields;
}

function civilOf(values: Record<string, unknown>): CivilIdentity | string {
  const text = (name: string): string | undefined => (typeof values[name] === 'string' && values[name] !== '' ? values[name] : undefined);
  for (const name of ['birthName', 'givenNames', 'dateOfBirth', 'birthPlace', 'birthCountry']) if (!text(name)) return `${name}: required`;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text('dateOfBirth')!)) return 'dateOfBirth: YYYY-MM-DD expected';
  const insee = text('birthPlaceInsee');
  return {
    birthName: text('birthName')!,
    givenNames: text('givenNames')!
      .split(/[;,]/)
      .map((name) => name.trim())
      .filter(Boolean),
    dateOfBirth: text('dateOfBirth')!,
    placeOfBirth: { communeName: text('birthPlace')!, country: text('birthCountry')!, ...(insee ? { communeInsee: insee } : {}) },
  };
}

/**
 * The records of a file: CSV with a header naming the columns id, birthName, givenNames (given
 * names separated by ";"), dateOfBirth, birthPlace, birthPlaceInsee, birthCountry; or JSON Lines
 * (`.jsonl`/`.ndjson`) with the same fields.
 */
export async function* readRecords(file: string): AsyncGenerator<ImportRecord> {
  const jsonLines = /\.(jsonl|ndjson)$/i.test(file);
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let header: string[] | undefined;
  let number = 0;
  for await (const raw of lines) {
    number++;
    if (raw.trim() === '') continue;
    let values: Record<string, unknown>;
    if (jsonLines) {
      try {
        values = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        yield { line: number, localId: '', invalid: 'not a JSON object' };
        continue;
      }
    } else {
      if (!header) {
        header = csvFields(raw).map((h) => h.trim());
        const missing = FIELDS.filter((f) => f !== 'birthPlaceInsee' && !header!.includes(f));
        if (missing.length > 0) throw new Error(`${file}:1: the header lacks ${missing.join(', ')}`);
        continue;
      }
      const fields = csvFields(raw);
      values = Object.fromEntries(header.map((name, i) => [name, fields[i] ?? '']));
    }
    const localId = typeof values['id'] === 'string' ? values['id'].trim() : '';
    if (!localId) {
      yield { line: number, localId: '', invalid: 'id: required' };
      continue;
    }
    const civil = civilOf(values);
    yield typeof civil === 'string' ? { line: number, localId, invalid: civil } : { line: number, localId, civil };
  }
}

async function fileDigest(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

interface Decided {
  record: ImportRecord;
  outcome: ImportOutcome;
  registerId?: string;
  candidates?: { registerId: string; score: number }[];
  reason?: string;
  match?: LinkMatch;
}

/** What the register says about one record (no write). */
async function decideRecord(options: ImportOptions, record: ImportRecord, known: boolean): Promise<Decided> {
  if (record.invalid) return { record, outcome: 'invalid', reason: record.invalid };
  if (known) return { record, outcome: 'already-linked' };
  const candidates = await options.resolver.search(record.civil!, options.signal ?? AbortSignal.timeout(30_000));
  const decision = matchCandidates(record.civil!, candidates, options.thresholds ?? DEFAULT_THRESHOLDS);
  if (decision.kind === 'none') return { record, outcome: 'unmatched', reason: 'no person in the register matches' };
  if (decision.kind === 'ambiguous')
    return {
      record,
      outcome: 'held',
      reason: decision.candidates.length > 1 ? 'homonyms' : 'below the link score',
      candidates: decision.candidates.map((c) => ({ registerId: c.registerId, score: c.score })),
    };
  const { registerId, score, criteria } = decision.candidate;
  return { record, outcome: 'linked', registerId, match: { score, criteria } };
}

/** Writes one decided record's link (if any) in `tx`; a citizen already known in the system under another id is held. */
async function writeLink(tx: Queryable, options: ImportOptions, decided: Decided): Promise<Decided> {
  if (decided.outcome !== 'linked') return decided;
  const registerSystem = options.resolver.system;
  const provenance = { method: 'import', by: options.actor };
  const held = await tx.query<{ pivot_id: string }>('SELECT pivot_id FROM citizen_identifiers WHERE system = $1 AND local_id = $2', [
    registerSystem,
    decided.registerId,
  ]);
  let pivotId = held.rows[0]?.pivot_id;
  if (!pivotId) {
    pivotId = newPivotId();
    await tx.query(
      `WITH citizen AS (INSERT INTO citizens (pivot_id) VALUES ($3))
       INSERT INTO citizen_identifiers (system, local_id, pivot_id, link_method, linked_by) VALUES ($1, $2, $3, $4, $5)`,
      [registerSystem, decided.registerId, pivotId, provenance.method, provenance.by],
    );
  }
  // The match's score and explanation go with the link (identity/match-record.ts: criteria only, no civil data).
  const inserted = await tx.query(
    `INSERT INTO citizen_identifiers (system, local_id, pivot_id, link_method, linked_by, match_score, match_explanation)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT DO NOTHING RETURNING 1`,
    [
      options.system,
      decided.record.localId,
      pivotId,
      provenance.method,
      provenance.by,
      decided.match?.score ?? null,
      decided.match ? JSON.stringify(decided.match.criteria) : null,
    ],
  );
  if (inserted.rows.length === 0) {
    return { ...decided, outcome: 'held', reason: `the register's person already has another identifier in ${options.system}` };
  }
  return decided;
}

async function commitBatch(options: ImportOptions, importId: string, batch: ImportRecord[]): Promise<void> {
  const known = await options.db.query<{ local_id: string }>(
    'SELECT local_id FROM citizen_identifiers WHERE system = $1 AND local_id = ANY($2::text[])',
    [options.system, batch.map((r) => r.localId)],
  );
  const knownIds = new Set(known.rows.map((r) => r.local_id));
  const decided: Decided[] = [];
  for (const record of batch) decided.push(await decideRecord(options, record, knownIds.has(record.localId)));
  if (options.dryRun) {
    for (const d of decided) dryRunRows.get(importId)!.push(d);
    return;
  }
  await options.db.transaction(async (tx) => {
    const written: Decided[] = [];
    for (const d of decided) written.push(await writeLink(tx, options, d));
    // The batch's outcome rows in one statement (one round trip, not one per record).
    await tx.query(
      `INSERT INTO identity_import_records (import_id, line, local_id, outcome, register_id, candidates, reason)
       SELECT $1, line, local_id, outcome, register_id, candidates::jsonb, reason
         FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS r(line, local_id, outcome, register_id, candidates, reason)
       ON CONFLICT (import_id, line) DO NOTHING`,
      [
        importId,
        written.map((w) => w.record.line),
        written.map((w) => w.record.localId),
        written.map((w) => w.outcome),
        written.map((w) => w.registerId ?? null),
        written.map((w) => (w.candidates ? JSON.stringify(w.candidates) : null)),
        written.map((w) => w.reason ?? null),
      ],
    );
    await tx.query('UPDATE identity_imports SET committed = $2 WHERE id = $1', [importId, batch.at(-1)!.line]);
  });
}

/** A dry run's outcomes, kept in memory (nothing is written). */
const dryRunRows = new Map<string, Decided[]>();

async function reportOf(options: ImportOptions, importId: string, total: number, resumedAfter: number): Promise<ImportReport> {
  const counts: Record<ImportOutcome, number> = { linked: 0, held: 0, unmatched: 0, 'already-linked': 0, invalid: 0 };
  const lines: ImportReport['lines'] = [];
  const rows = options.dryRun
    ? dryRunRows
        .get(importId)!
        .map((d) => ({ line: d.record.line, local_id: d.record.localId, outcome: d.outcome, reason: d.reason ?? null }))
    : (
        await options.db.query<{ line: number; local_id: string; outcome: ImportOutcome; reason: string | null }>(
          'SELECT line, local_id, outcome, reason FROM identity_import_records WHERE import_id = $1 ORDER BY line',
          [importId],
        )
      ).rows;
  for (const row of rows) {
    counts[row.outcome]++;
    if (row.outcome === 'unmatched' || row.outcome === 'invalid' || row.outcome === 'held')
      lines.push({ line: row.line, localId: row.local_id, outcome: row.outcome, ...(row.reason ? { reason: row.reason } : {}) });
  }
  if (options.dryRun) dryRunRows.delete(importId);
  return { importId, system: options.system, dryRun: Boolean(options.dryRun), total, resumedAfter, counts, lines };
}

/** Imports (or, with dryRun, only matches) the file's records; resumes an interrupted import of the same file. */
export async function importPopulation(options: ImportOptions): Promise<ImportReport> {
  const importId = `${options.system}:${await fileDigest(options.file)}`;
  let resumedAfter = 0;
  if (options.dryRun) dryRunRows.set(importId, []);
  else {
    await options.db.query('INSERT INTO identity_imports (id, system, file) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', [
      importId,
      options.system,
      options.file,
    ]);
    const found = await options.db.query<{ committed: number }>('SELECT committed FROM identity_imports WHERE id = $1', [importId]);
    resumedAfter = found.rows[0]!.committed;
  }
  const batchSize = options.batchSize ?? 500;
  let batch: ImportRecord[] = [];
  let total = 0;
  let done = 0;
  for await (const record of readRecords(options.file)) {
    total++;
    if (record.line <= resumedAfter) continue;
    batch.push(record);
    if (batch.length < batchSize) continue;
    await commitBatch(options, importId, batch);
    done += batch.length;
    options.onProgress?.(done);
    options.afterBatch?.(batch.at(-1)!.line);
    batch = [];
  }
  if (batch.length > 0) {
    await commitBatch(options, importId, batch);
    done += batch.length;
    options.onProgress?.(done);
  }
  if (!options.dryRun)
    await options.db.query('UPDATE identity_imports SET finished_at = now() WHERE id = $1 AND finished_at IS NULL', [importId]);
  return reportOf(options, importId, total, resumedAfter);
}
