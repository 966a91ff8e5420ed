/**
 * The baselines of the identity import bench, each run as a process of its own (so its peak RSS
 * is its own):
 *   node bench/identity-import-baseline.ts parse <file>            read and parse the file alone
 *   node bench/identity-import-baseline.ts insert <file> <dbUrl>   the same records' rows written
 *                                                                 to a scratch table, 500 per
 *                                                                 multi-row INSERT (unnest)
 * The first is the floor of any import of that file; the second what PostgreSQL costs for the
 * import's own writes without matching or linking. Prints one JSON line: records, seconds, peak RSS.
 */
import { openStore } from '../core/store/db.ts';
import { readRecords, type ImportRecord } from '../identity/import-records.ts';

const [kind, file, databaseUrl] = process.argv.slice(2);
if ((kind !== 'parse' && kind !== 'insert') || !file || (kind === 'insert' && !databaseUrl)) {
  console.error('usage: identity-import-baseline.ts parse <file> | insert <file> <dbUrl>');
  process.exit(2);
}
const started = performance.now();
let records = 0;
if (kind === 'parse') {
  for await (const record of readRecords(file)) if (record.localId) records++;
} else {
  const db = await openStore({ databaseUrl: databaseUrl!, pgliteDir: '' });
  await db.query('CREATE TABLE IF NOT EXISTS bench_import_baseline (line int PRIMARY KEY, local_id text NOT NULL, outcome text NOT NULL)');
  await db.query('TRUNCATE bench_import_baseline');
  const flush = async (batch: ImportRecord[]): Promise<void> => {
    await db.query(
      `INSERT INTO bench_import_baseline (line, local_id, outcome)
       SELECT * FROM unnest($1::int[], $2::text[], $3::text[])`,
      [batch.map((r) => r.line), batch.map((r) => r.localId), batch.map(() => 'linked')],
    );
  };
  let batch: ImportRecord[] = [];
  for await (const record of readRecords(file)) {
    records++;
    batch.push(record);
    if (batch.length === 500) {
      await flush(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await flush(batch);
  await db.query('DROP TABLE bench_import_baseline');
  await db.close();
}
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ done: records, seconds, peakRssMiB: process.resourceUsage().maxRSS / 1024 }));
