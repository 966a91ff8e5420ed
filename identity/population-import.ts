/**
 * Onboarding a silo's population (`relais identities import <system> --file …`, or `--from-silo`
 * through the connector's file lister): each record (the system's identifier and the person's
 * civil data, identity/import-records.ts) is matched against the authoritative register
 * with Relais' rules (identity/matching.ts):
 *   - already in the crosswalk        → already-linked (nothing asked, nothing written);
 *   - exactly one plausible person    → linked: the system's identifier and the register's joined
 *                                       to one pivot id (method `import`, with the match explained);
 *   - homonyms, or a person below the link score, or a citizen already holding another identifier
 *     in that system                  → held, with the candidates' register ids and scores;
 *   - nobody                          → unmatched (a report line);
 *   - a record that cannot be read    → invalid (a report line naming the field).
 * Records are committed in batches, each with its outcome rows and the import's checkpoint, so a
 * crash loses at most the batch in flight and a rerun resumes after the last committed record: of
 * the same file (the import's id is the system and the file's SHA-256), or of the silo's listing
 * (its cursor; the system's unfinished silo import, a new one once it finished). The report counts
 * the outcome rows: right whatever the crash point. Civil data are never stored nor logged.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { newPivotId } from '../core/ids.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import type { Db, Queryable } from '../core/store/db.ts';
import type { IdentityResolver } from './civil-identity.ts';
import type { LinkProvenance } from './identity-store.ts';
import { listedRecords, readRecords, type ImportRecord, type SiloListing } from './import-records.ts';
import type { LinkMatch } from './match-record.ts';
import { DEFAULT_THRESHOLDS, matchCandidates, type MatchThresholds } from './matching.ts';

export type ImportOutcome = 'linked' | 'held' | 'unmatched' | 'already-linked' | 'invalid';

export type { ImportRecord } from './import-records.ts';

export interface ImportReport {
  importId: string;
  system: string;
  dryRun: boolean;
  /** Where the records came from: the file, or `silo`. */
  from: string;
  /** Records read (from the file; from the silo, by this run and the ones it resumed). */
  total: number;
  /** Records this run skipped: committed by an earlier run of the same file. */
  resumedAfter: number;
  counts: Record<ImportOutcome, number>;
  /** The unmatched and invalid records: line, identifier, reason. */
  lines: { line: number; localId: string; outcome: ImportOutcome; reason?: string }[];
}

/** Where the records come from: an exported file, or the silo itself (its connector's file lister). */
export type ImportFrom = { file: string; silo?: undefined } | { silo: SiloListing; file?: undefined };

export type ImportOptions = ImportFrom & {
  db: Db;
  resolver: IdentityResolver;
  system: string;
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
  /** Given to the silo's file lister (its context); the import itself logs nothing. */
  logger?: Logger;
};

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
  // Each search has its own time limit; the operator's interrupt (options.signal) ends it sooner.
  const limit = AbortSignal.timeout(30_000);
  const candidates = await options.resolver.search(record.civil!, options.signal ? AbortSignal.any([options.signal, limit]) : limit);
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

/** One link from a silo's identifier to a register person, and how it was decided (the link's provenance). */
export interface RegisterLink {
  registerSystem: string;
  registerId: string;
  system: string;
  localId: string;
  provenance: LinkProvenance;
  match?: LinkMatch | undefined;
}

/**
 * Links `system`'s `localId` to the register person's citizen (a new pivot id when the register
 * person has none yet), in `tx`. Undefined when it cannot be: the citizen already holds another
 * identifier in the system, or the identifier is linked already. Shared by the import and the
 * review of its held records (identity/import-reviews.ts): both link the same way.
 */
export async function linkToRegisterPerson(tx: Queryable, link: RegisterLink): Promise<string | undefined> {
  const { provenance } = link;
  const held = await tx.query<{ pivot_id: string }>('SELECT pivot_id FROM citizen_identifiers WHERE system = $1 AND local_id = $2', [
    link.registerSystem,
    link.registerId,
  ]);
  let pivotId = held.rows[0]?.pivot_id;
  if (!pivotId) {
    pivotId = newPivotId();
    await tx.query(
      `WITH citizen AS (INSERT INTO citizens (pivot_id) VALUES ($3))
       INSERT INTO citizen_identifiers (system, local_id, pivot_id, link_method, linked_by) VALUES ($1, $2, $3, $4, $5)`,
      [link.registerSystem, link.registerId, pivotId, provenance.method, provenance.by],
    );
  }
  // The match's score and explanation go with the link (identity/match-record.ts: criteria only, no civil data).
  const inserted = await tx.query(
    `INSERT INTO citizen_identifiers (system, local_id, pivot_id, link_method, linked_by, match_score, match_explanation)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT DO NOTHING RETURNING 1`,
    [
      link.system,
      link.localId,
      pivotId,
      provenance.method,
      provenance.by,
      link.match?.score ?? null,
      link.match ? JSON.stringify(link.match.criteria) : null,
    ],
  );
  return inserted.rows.length === 0 ? undefined : pivotId;
}

/** Writes one decided record's link (if any) in `tx`; a citizen already known in the system under another id is held. */
async function writeLink(tx: Queryable, options: ImportOptions, decided: Decided): Promise<Decided> {
  if (decided.outcome !== 'linked') return decided;
  const pivotId = await linkToRegisterPerson(tx, {
    registerSystem: options.resolver.system,
    registerId: decided.registerId!,
    system: options.system,
    localId: decided.record.localId,
    provenance: { method: 'import', by: options.actor },
    match: decided.match,
  });
  if (!pivotId) {
    // The one person matched is its candidate: a review links it once the other identifier is unlinked or merged.
    return {
      ...decided,
      outcome: 'held',
      reason: `the register's person already has another identifier in ${options.system}`,
      candidates: [{ registerId: decided.registerId!, score: decided.match?.score ?? 0 }],
    };
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
    await tx.query('UPDATE identity_imports SET committed = $2, cursor = $3 WHERE id = $1', [
      importId,
      batch.at(-1)!.line,
      batch.at(-1)!.cursor ?? null,
    ]);
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
  const from = options.file ?? 'silo';
  return { importId, system: options.system, from, dryRun: Boolean(options.dryRun), total, resumedAfter, counts, lines };
}

interface Started {
  importId: string;
  resumedAfter: number;
  cursor: string | null;
}

/**
 * The import to run: a file's (by its content), or the system's silo import still unfinished
 * (a crash's), else a new one: a silo listed again after a finished import is matched again,
 * and what was linked then is `already-linked` now.
 */
async function startImport(options: ImportOptions): Promise<Started> {
  const { db, system } = options;
  if (options.file !== undefined) {
    const importId = `${system}:${await fileDigest(options.file)}`;
    if (options.dryRun) return { importId, resumedAfter: 0, cursor: null };
    // The register is kept with the import: a review of its held records links in that register.
    await db.query('INSERT INTO identity_imports (id, system, file, register_system) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING', [
      importId,
      system,
      options.file,
      options.resolver.system,
    ]);
    const found = await db.query<{ committed: number }>('SELECT committed FROM identity_imports WHERE id = $1', [importId]);
    return { importId, resumedAfter: found.rows[0]!.committed, cursor: null };
  }
  const unfinished = await db.query<{ id: string; committed: number; cursor: string | null }>(
    "SELECT id, committed, cursor FROM identity_imports WHERE system = $1 AND file = 'silo' AND finished_at IS NULL ORDER BY started_at DESC LIMIT 1",
    [system],
  );
  const found = unfinished.rows[0];
  if (found && !options.dryRun) return { importId: found.id, resumedAfter: found.committed, cursor: found.cursor };
  const importId = `${system}:silo:${new Date().toISOString()}`;
  if (!options.dryRun)
    await db.query("INSERT INTO identity_imports (id, system, file, register_system) VALUES ($1, $2, 'silo', $3)", [
      importId,
      system,
      options.resolver.system,
    ]);
  return { importId, resumedAfter: 0, cursor: null };
}

/** The records still to import, and how many the source held in all once read to the end. */
function recordsOf(options: ImportOptions, started: Started): { records: AsyncIterable<ImportRecord>; total: () => number } {
  let total = 0;
  if (options.file !== undefined) {
    const file = options.file;
    return {
      records: (async function* () {
        for await (const record of readRecords(file)) {
          total++;
          if (record.line > started.resumedAfter) yield record;
        }
      })(),
      total: () => total,
    };
  }
  const context = {
    signal: options.signal ?? new AbortController().signal,
    logger: options.logger ?? createLogger({ component: 'identities-import' }),
  };
  total = started.resumedAfter;
  const listed = listedRecords(options.silo, started.cursor, started.resumedAfter + 1, context);
  return {
    records: (async function* () {
      for await (const record of listed) {
        total++;
        yield record;
      }
    })(),
    total: () => total,
  };
}

/** Imports (or, with dryRun, only matches) the records of a file or of the silo; resumes an interrupted import. */
export async function importPopulation(options: ImportOptions): Promise<ImportReport> {
  const started = await startImport(options);
  const { importId, resumedAfter } = started;
  if (options.dryRun) dryRunRows.set(importId, []);
  const batchSize = options.batchSize ?? 500;
  const source = recordsOf(options, started);
  let batch: ImportRecord[] = [];
  let done = 0;
  for await (const record of source.records) {
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
  return reportOf(options, importId, source.total(), resumedAfter);
}
