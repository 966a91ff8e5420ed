/**
 * `node bench/identity-import.ts [--records 100000]`: onboarding a population
 * (identity/population-import.ts) on PostgreSQL (a fresh database on BENCH_DATABASE_URL's
 * server): a generated CSV of --records records (one in ten with a homonym, one in ten unmatched;
 * identity/testing/population.ts) matched against an in-memory register, so the figure is
 * Relais' own cost (reading, matching, linking, the outcome rows), not a register's latency.
 * Prints records/s and the process's peak RSS, and checks the counts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createPostgresDatabase } from '@relais/connector-kit/testing';
import { importPopulation } from '../identity/population-import.ts';
import { expectedOf, memoryRegister, writePopulationCsv } from '../identity/testing/population.ts';

const { values } = parseArgs({ options: { records: { type: 'string', default: '100000' } } });
const size = Number(values.records);
const dir = mkdtempSync(join(tmpdir(), 'relais-bench-import-'));
const file = join(dir, 'population.csv');
writePopulationCsv(file, size);
const database = await createPostgresDatabase({ server: process.env['BENCH_DATABASE_URL'] });
try {
  const resolver = memoryRegister(size);
  const started = performance.now();
  const report = await importPopulation({ db: database.db, resolver, system: 'social-services', file, actor: 'bench' });
  const seconds = (performance.now() - started) / 1000;
  const expected = { linked: 0, held: 0, unmatched: 0 };
  for (let i = 0; i < size; i++) expected[expectedOf(i)]++;
  const right =
    report.counts.linked === expected.linked && report.counts.held === expected.held && report.counts.unmatched === expected.unmatched;
  const peakRss = process.resourceUsage().maxRSS / 1024;
  console.log(`identity import, ${size} records (CSV), PostgreSQL, in-memory register:`);
  console.log(`  ${(size / seconds).toFixed(0)} records/s (${seconds.toFixed(1)} s), peak RSS ${peakRss.toFixed(0)} MiB`);
  console.log(
    `  ${report.counts.linked} linked, ${report.counts.held} held, ${report.counts.unmatched} unmatched: ${right ? 'as generated' : `EXPECTED ${JSON.stringify(expected)}`}`,
  );
  if (!right) process.exitCode = 1;
} finally {
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
}
