/**
 * Onboarding a population against PostgreSQL: a generated file with homonyms, unmatched records,
 * records already in the crosswalk and an unreadable line; a dry run writes nothing; an import
 * killed in the middle (SIGKILL, in a process of its own) resumes where it stopped and the final
 * counts are right; a rerun of the finished import changes nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase } from '@relais/connector-kit/testing';
import { linkIdentifier, linksOf } from './identity-store.ts';
import { importPopulation } from './population-import.ts';
import { expectedOf, memoryRegister, writePopulationCsv } from './testing/population.ts';
import { newPivotId } from '../core/ids.ts';

const run = promisify(execFile);
const SIZE = 2000;

test('import: linked, held, unmatched, already linked; dry run; killed mid-way, rerun, counts right', { timeout: 180_000 }, async () => {
  const database = await createTestDatabase('postgres');
  const dir = mkdtempSync(join(tmpdir(), 'relais-import-'));
  const file = join(dir, 'social-services.csv');
  try {
    writePopulationCsv(file, SIZE);
    appendFileSync(file, 'SS-bad,"nobody",Jean,1990-13,Lyon,,FR\n');
    // Two records are in the crosswalk already (an earlier first sighting).
    for (const i of [2, 3]) await linkIdentifier(database.db, newPivotId(), 'social-services', `SS-${i}`);
    const expected = { linked: 0, held: 0, unmatched: 0 };
    for (let i = 0; i < SIZE; i++) expected[expectedOf(i)]++;
    const resolver = memoryRegister(SIZE);
    const options = { db: database.db, resolver, system: 'social-services', file, actor: 'import-test', batchSize: 100 };

    const dry = await importPopulation({ ...options, dryRun: true });
    assert.deepEqual(dry.counts, {
      linked: expected.linked - 2,
      held: expected.held,
      unmatched: expected.unmatched,
      'already-linked': 2,
      invalid: 1,
    });
    const rows = await database.db.query<{ n: number }>("SELECT count(*)::int AS n FROM citizen_identifiers WHERE link_method = 'import'");
    assert.equal(rows.rows[0]!.n, 0, 'a dry run writes nothing');

    const killed = await run(process.execPath, ['test/support/import-child.ts'], {
      env: { ...process.env, DATABASE_URL: database.url!, IMPORT_FILE: file, IMPORT_SIZE: String(SIZE), IMPORT_KILL_AFTER: '700' },
    }).then(
      () => 'exited',
      (error: { signal?: string }) => error.signal,
    );
    assert.equal(killed, 'SIGKILL');

    const report = await importPopulation(options);
    assert.ok(report.resumedAfter >= 700 && report.resumedAfter < 900, `resumed after ${report.resumedAfter}`);
    assert.deepEqual(report.counts, {
      linked: expected.linked - 2,
      held: expected.held,
      unmatched: expected.unmatched,
      'already-linked': 2,
      invalid: 1,
    });
    assert.deepEqual(
      report.lines.find((l) => l.localId === 'SS-bad'),
      { line: SIZE + 2, localId: 'SS-bad', outcome: 'invalid', reason: 'dateOfBirth: YYYY-MM-DD expected' },
    );
    assert.equal(report.lines.find((l) => l.localId === 'SS-10')?.reason, 'homonyms');
    // Each linked record joins the system's identifier and the register's, explained.
    const pivot = await database.db.query<{ pivot_id: string }>(
      "SELECT pivot_id FROM citizen_identifiers WHERE system = 'social-services' AND local_id = 'SS-9'",
    );
    const links = await linksOf(database.db, pivot.rows[0]!.pivot_id);
    assert.deepEqual(links.map((l) => [l.system, l.localId, l.method]).sort(), [
      ['civil-registry', 'EC-9', 'import'],
      ['social-services', 'SS-9', 'import'],
    ]);
    const imported = await database.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM citizen_identifiers WHERE system = 'social-services' AND link_method = 'import'",
    );
    assert.equal(imported.rows[0]!.n, expected.linked - 2, 'no record linked twice across the crash');

    const again = await importPopulation(options);
    assert.deepEqual([again.resumedAfter, again.counts], [SIZE + 2, report.counts], 'a finished import reruns as a no-op');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await database.drop();
  }
});
