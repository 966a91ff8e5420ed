/**
 * `node bench/identity-import.ts [--records 100000] [--kill-at 0.5]`: onboarding a population
 * (identity/population-import.ts) on PostgreSQL (a fresh database on BENCH_DATABASE_URL's
 * server), crash included. A generated CSV of --records records (one in ten with a homonym, one in
 * ten unmatched; identity/testing/population.ts) is matched against an in-memory register, so the
 * figure is Relais' own cost (reading, matching, linking, the outcome rows), not a register's
 * latency. The import runs in a child process (test/support/import-child.ts) that this bench
 * kills (SIGKILL) once --kill-at of the records have outcome rows, then a second child reruns it
 * to the end. The final counts must be as generated, with no link made twice and no record lost.
 * Beside each run: the baselines of the same file on the same machine, in their own processes
 * (bench/identity-import-baseline.ts): reading and parsing the file alone, and the same rows
 * written by multi-row INSERTs into a scratch table. Prints records/s and peak RSS of each.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createPostgresDatabase } from '@relais/connector-kit/testing';
import { expectedOf, writePopulationCsv } from '../identity/testing/population.ts';

interface RunLine {
  done: number;
  seconds: number;
  peakRssMiB: number;
  finished?: boolean;
  resumedAfter?: number;
  counts?: Record<string, number>;
}

interface Run {
  last: RunLine | undefined;
  signal: string | null;
}

const { values } = parseArgs({
  options: { records: { type: 'string', default: '100000' }, 'kill-at': { type: 'string', default: '0.5' } },
});
const size = Number(values.records);
const killAt = Math.floor(size * Number(values['kill-at']));

/** Runs a node script, reading its JSON lines; `watch` may kill it (it gets the child). */
function runChild(args: string[], env: Record<string, string>, watch?: (kill: () => void) => void): Promise<Run> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let last: RunLine | undefined;
  createInterface({ input: child.stdout }).on('line', (text) => {
    if (text.startsWith('{')) last = JSON.parse(text) as RunLine;
  });
  watch?.(() => child.kill('SIGKILL'));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0 && signal === null) reject(new Error(`${args.join(' ')} exited with ${code}`));
      else resolve({ last, signal });
    });
  });
}

const figure = (name: string, line: RunLine | undefined): string =>
  line
    ? `  ${name.padEnd(40)} ${String(line.done).padStart(7)} records ${(line.done / line.seconds).toFixed(0).padStart(7)} records/s (${line.seconds.toFixed(1)} s), peak RSS ${line.peakRssMiB.toFixed(0)} MiB`
    : `  ${name}: no figures`;

const dir = mkdtempSync(join(tmpdir(), 'relais-bench-import-'));
const file = join(dir, 'population.csv');
writePopulationCsv(file, size);
const database = await createPostgresDatabase({ server: process.env['BENCH_DATABASE_URL'] });
try {
  const parse = await runChild(['bench/identity-import-baseline.ts', 'parse', file], {});
  const insert = await runChild(['bench/identity-import-baseline.ts', 'insert', file, database.url], {});
  const childEnv = { DATABASE_URL: database.url, IMPORT_FILE: file, IMPORT_SIZE: String(size), IMPORT_BATCH: '500', IMPORT_STATS: '1' };
  // The parent kills the child from outside, as an operator's kill -9 or the OOM killer would:
  // the child does not choose its moment, so the batch in flight may be half-written.
  const killed = await runChild(['test/support/import-child.ts'], childEnv, (kill) => {
    const timer = setInterval(() => {
      void database.db
        .query<{ n: number }>('SELECT count(*)::int AS n FROM identity_import_records')
        .then(({ rows }) => {
          if (rows[0]!.n >= killAt) {
            clearInterval(timer);
            kill();
          }
        })
        .catch(() => undefined);
    }, 50);
  });
  if (killed.signal !== 'SIGKILL') throw new Error(`the first run was not killed (it ended with ${String(killed.signal)})`);
  const rerun = await runChild(['test/support/import-child.ts'], childEnv);
  const final = rerun.last;
  if (!final?.finished) throw new Error('the rerun did not finish');

  const expected = { linked: 0, held: 0, unmatched: 0 };
  for (let i = 0; i < size; i++) expected[expectedOf(i)]++;
  const check = await database.db.query<{ links: number; distinct_links: number; records: number; distinct_lines: number }>(
    `SELECT (SELECT count(*)::int FROM citizen_identifiers WHERE system = 'social-services') AS links,
            (SELECT count(DISTINCT local_id)::int FROM citizen_identifiers WHERE system = 'social-services') AS distinct_links,
            (SELECT count(*)::int FROM identity_import_records) AS records,
            (SELECT count(DISTINCT line)::int FROM identity_import_records) AS distinct_lines`,
  );
  const c = check.rows[0]!;
  const counts = final.counts ?? {};
  const problems = [
    counts['linked'] === expected.linked ? '' : `linked ${counts['linked']} ≠ ${expected.linked}`,
    counts['held'] === expected.held ? '' : `held ${counts['held']} ≠ ${expected.held}`,
    counts['unmatched'] === expected.unmatched ? '' : `unmatched ${counts['unmatched']} ≠ ${expected.unmatched}`,
    c.links === expected.linked && c.distinct_links === c.links
      ? ''
      : `${c.links} links (${c.distinct_links} distinct) ≠ ${expected.linked}`,
    c.records === size && c.distinct_lines === size ? '' : `${c.records} outcome rows (${c.distinct_lines} lines) ≠ ${size}`,
  ].filter(Boolean);

  console.log(`identity import, ${size} records (CSV), PostgreSQL, in-memory register, batches of 500:`);
  console.log(figure('baseline: read + parse the file', parse.last));
  console.log(figure('baseline: multi-row INSERT of rows', insert.last));
  console.log(figure(`import, killed at ≥ ${killAt} outcome rows`, killed.last));
  console.log(figure(`rerun (resumed after ${final.resumedAfter})`, final));
  const both = { done: (killed.last?.done ?? 0) + final.done, seconds: (killed.last?.seconds ?? 0) + final.seconds };
  console.log(`  import, both runs: ${(both.done / both.seconds).toFixed(0)} records/s`);
  console.log(
    `  ${counts['linked']} linked, ${counts['held']} held, ${counts['unmatched']} unmatched, ${c.links} links, ${c.records} outcome rows: ${problems.length === 0 ? 'as generated, none twice, none lost' : `WRONG: ${problems.join('; ')}`}`,
  );
  if (problems.length > 0) process.exitCode = 1;
} finally {
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
}
