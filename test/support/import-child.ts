/**
 * An import run in a process of its own, for the crash test and the bench: imports IMPORT_FILE for
 * social-services against the generated register of IMPORT_SIZE persons into DATABASE_URL.
 * With IMPORT_KILL_AFTER it kills itself (SIGKILL, no cleanup) right after committing the batch
 * that reaches that many records; without it, it runs to the end (or until its parent kills it).
 * With IMPORT_STATS it prints one JSON line per committed batch and one at the end (records done,
 * seconds, peak RSS in MiB), so a parent that kills it still knows what the run cost.
 */
import { openStore } from '../../core/store/db.ts';
import { importPopulation } from '../../identity/population-import.ts';
import { memoryRegister } from '../../identity/testing/population.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const db = await openStore({ databaseUrl: env('DATABASE_URL'), pgliteDir: '' });
const killAfter = Number(process.env['IMPORT_KILL_AFTER'] ?? Infinity);
const stats = process.env['IMPORT_STATS'] === '1';
const started = performance.now();
const line = (done: number, extra: Record<string, unknown> = {}): void => {
  if (!stats) return;
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`${JSON.stringify({ done, seconds, peakRssMiB: process.resourceUsage().maxRSS / 1024, ...extra })}\n`);
};
const report = await importPopulation({
  db,
  resolver: memoryRegister(Number(env('IMPORT_SIZE'))),
  system: 'social-services',
  file: env('IMPORT_FILE'),
  actor: 'crash-test',
  batchSize: Number(process.env['IMPORT_BATCH'] ?? 100),
  onProgress: (done) => line(done),
  afterBatch: (committed) => {
    if (committed >= killAfter) process.kill(process.pid, 'SIGKILL');
  },
});
line(report.total - report.resumedAfter, { finished: true, resumedAfter: report.resumedAfter, counts: report.counts });
await db.close();
