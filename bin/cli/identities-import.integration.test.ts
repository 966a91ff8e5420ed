/**
 * `relais identities import <system> --from-silo` as an operator runs it: the program in a process
 * of its own, configured by the environment like the other processes, against the civil-registry
 * simulator (the register, over SOAP) and the social-services simulator (the silo, over REST).
 * A dry run writes nothing; the import links the exact match, holds the homonyms, reports the
 * unmatched and the file without a birth date; a second run links nothing new; a connector
 * without a file lister, or both --file and --from-silo, is a usage error.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createPostgresDatabase, type TestDatabase } from '@relais/connector-kit/testing';
import { startCivilRegistrySilo, type CivilRegistrySilo } from '../../silos/civil-registry/server.ts';
import { seedRegistre } from '../../silos/civil-registry/seed.ts';
import { startSocialServicesSilo, type SocialServicesSilo } from '../../silos/social-services/server.ts';
import type { ImportReport } from '../../identity/population-import.ts';
import { openSocialServicesFile } from '../../test/support/social-services-files.ts';

const run = promisify(execFile);
const credentials = { username: 'relais', password: 'import-test' };
const apiKey = 'import-test-key';

let database: TestDatabase & { url: string };
let registry: CivilRegistrySilo;
let silo: SocialServicesSilo;

const openFile = (numeroDossier: string, nom: string, prenoms: string, naissance: Record<string, string>) =>
  openSocialServicesFile({ url: silo.url, apiKey }, { numeroDossier, nom, prenoms, naissance });

/** Runs `relais identities import …`; resolves with its exit code, stdout and stderr. */
async function relais(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    DATABASE_URL: database.url,
    KAFKA_BROKERS: process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9',
    CIVIL_REGISTRY_URL: registry.soapUrl,
    CIVIL_REGISTRY_USERNAME: credentials.username,
    CIVIL_REGISTRY_PASSWORD: credentials.password,
    SOCIAL_SERVICES_URL: silo.url,
    SOCIAL_SERVICES_API_KEY: apiKey,
    LOG_LEVEL: 'silent',
  };
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/relais.ts', 'identities', 'import', ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

before(async () => {
  [database, registry, silo] = await Promise.all([
    createPostgresDatabase(),
    startCivilRegistrySilo({ credentials }),
    startSocialServicesSilo({ apiKey }),
  ]);
  await seedRegistre(registry.registre);
  const lyon = { commune: 'Lyon', codeInsee: '69123', pays: 'FR' };
  await openFile('SS-000001', 'Martin', 'Jeanne Marie', { date: '1948-05-02', ...lyon }); // one person: linked
  await openFile('SS-000002', 'Bernard', 'Jean-Pierre', { date: '1962-07-14', ...lyon }); // two persons born that day: held
  await openFile('SS-000003', 'Dupont', 'Luc', { date: '1990-01-01', ...lyon }); // nobody: unmatched
  await openFile('SS-000004', 'Nguyen', 'Paul', { commune: 'Villeurbanne', pays: 'FR' }); // no birth date: invalid
});

after(async () => {
  await Promise.all([silo?.close(), registry?.close()]);
  await database?.drop();
});

test('--from-silo: dry run, import, rerun; counts from the real register and silo', { timeout: 120_000 }, async () => {
  const dry = await relais('social-services', '--from-silo', '--dry-run', '--json');
  assert.equal(dry.code, 0, dry.stderr);
  const dryReport = JSON.parse(dry.stdout) as ImportReport;
  assert.deepEqual(dryReport.counts, { linked: 1, held: 1, unmatched: 1, 'already-linked': 0, invalid: 1 });
  const written = await database.db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM citizen_identifiers WHERE system = 'social-services'",
  );
  assert.equal(written.rows[0]!.n, 0, 'a dry run writes nothing');

  const first = await relais('social-services', '--from-silo');
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /social-services \(silo\) record:2: SS-000002: held: homonyms/);
  assert.match(first.stdout, /social-services \(silo\) record:4: SS-000004: invalid: dateOfBirth: required/);
  assert.match(first.stdout, /1 linked, 1 held, 1 unmatched, 0 already linked, 1 invalid, of 4 records/);
  const link = await database.db.query<{ system: string; local_id: string }>(
    `SELECT system, local_id FROM citizen_identifiers WHERE pivot_id =
       (SELECT pivot_id FROM citizen_identifiers WHERE system = 'social-services' AND local_id = 'SS-000001') ORDER BY system`,
  );
  assert.deepEqual(
    link.rows.map((r) => [r.system, r.local_id]),
    [
      ['civil-registry', 'EC-00000123'],
      ['social-services', 'SS-000001'],
    ],
  );

  const again = await relais('social-services', '--from-silo', '--json');
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual((JSON.parse(again.stdout) as ImportReport).counts, {
    linked: 0,
    held: 1,
    unmatched: 1,
    'already-linked': 1,
    invalid: 1,
  });
});

test('--from-silo for a connector without a file lister, or with --file too, is a usage error', { timeout: 60_000 }, async () => {
  const tax = await relais('tax', '--from-silo');
  assert.equal(tax.code, 2);
  assert.match(tax.stderr, /the connector of tax cannot list its silo's files \(createFileLister\)/);
  const both = await relais('social-services', '--from-silo', '--file', 'x.csv');
  assert.equal(both.code, 2);
  assert.match(both.stderr, /give either --file <file> or --from-silo/);
});
