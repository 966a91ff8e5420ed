/**
 * Onboarding a population from the silo itself (`--from-silo`), through the connectors' file
 * listers against their real silos: the social-services simulator (a real HTTP server, paged
 * `GET /dossiers`) and the waste-management vendor database (PostgreSQL, keyset SQL). A generated
 * population with homonyms, unmatched persons and a file without a birth date, matched against an
 * in-memory register: counts as generated; an import that dies after its first batch resumes from
 * the silo's cursor with nothing twice; listing the silo again links nothing new.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FileLister } from '@relais/connector-kit';
import { createTestDatabase, type TestDatabase } from '@relais/connector-kit/testing';
import { SocialServicesClient } from '../connectors/social-services/client.ts';
import { createSocialServicesFileLister } from '../connectors/social-services/file-lister.ts';
import { WasteDatabase } from '../connectors/waste-management/client.ts';
import { createWasteManagementFileLister } from '../connectors/waste-management/file-lister.ts';
import { openSqlClient } from '../protocols/sql/sql-client.ts';
import { startSocialServicesSilo, type SocialServicesSilo } from '../silos/social-services/server.ts';
import { openSocialServicesFile } from '../test/support/social-services-files.ts';
import { createWasteVendorDatabase, type VendorDatabase } from '../test/support/vendor-databases.ts';
import { importPopulation, type ImportOptions } from './population-import.ts';
import { expectedOf, memoryRegister, siloPerson } from './testing/population.ts';

const SIZE = 120;
const apiKey = 'import-key';
const pad = (i: number): string => String(i).padStart(6, '0');

interface Silo {
  system: string;
  /** The silo's identifier of person i. */
  localId(i: number): string;
  lister(): FileLister;
  stop(): Promise<void>;
}

/** The social-services simulator holding the population, plus one file without a birth date. */
async function socialServices(): Promise<Silo> {
  const server: SocialServicesSilo = await startSocialServicesSilo({ apiKey });
  const open = (numeroDossier: string, nom: string, prenoms: string, naissance: Record<string, string>) =>
    openSocialServicesFile({ url: server.url, apiKey }, { numeroDossier, nom, prenoms, naissance });
  for (let i = 0; i < SIZE; i++) {
    const p = siloPerson(i);
    await open(`SS-${pad(i)}`, p.birthName, p.givenNames.join(' '), { date: p.dateOfBirth, commune: p.birthPlace, pays: p.birthCountry });
  }
  await open('SS-999999', 'durand', 'Paul', { commune: 'Lyon', pays: 'FR' });
  return {
    system: 'social-services',
    localId: (i) => `SS-${pad(i)}`,
    lister: () => createSocialServicesFileLister(new SocialServicesClient({ baseUrl: server.url, apiKey }), { pageSize: 25 }),
    stop: () => server.close(),
  };
}

/** The waste-management vendor database (PostgreSQL) holding the population, plus one person without a birth date. */
async function wasteManagement(): Promise<Silo> {
  const vendor: VendorDatabase = await createWasteVendorDatabase('postgres');
  await vendor.sql.transaction(async (tx) => {
    for (let i = 0; i < SIZE; i++) {
      const p = siloPerson(i);
      await tx.query(
        'INSERT INTO usager (numero_usager, nom, prenom, date_naissance, commune_naissance, pays_naissance) VALUES (?, ?, ?, ?, ?, ?)',
        [`USG-${pad(i)}`, p.birthName, p.givenNames.join(' '), p.dateOfBirth, p.birthPlace, p.birthCountry],
      );
    }
    await tx.query(
      "INSERT INTO usager (numero_usager, nom, prenom, commune_naissance, pays_naissance) VALUES ('USG-999999', 'durand', 'Paul', 'Lyon', 'FR')",
    );
  });
  const listers: FileLister[] = [];
  return {
    system: 'waste-management',
    localId: (i) => `USG-${pad(i)}`,
    lister: () => {
      const lister = createWasteManagementFileLister(new WasteDatabase(openSqlClient(vendor.url, { max: 1 })), { pageSize: 25 });
      listers.push(lister);
      return lister;
    },
    stop: async () => {
      for (const lister of listers) await lister.close?.();
      await vendor.drop();
    },
  };
}

const expected = { linked: 0, held: 0, unmatched: 0 };
for (let i = 0; i < SIZE; i++) expected[expectedOf(i)]++;

for (const [name, start] of [
  ['social-services (REST simulator)', socialServices],
  ['waste-management (vendor database on PostgreSQL)', wasteManagement],
] as const) {
  describe(`import from the silo: ${name}`, () => {
    let silo: Silo;
    let database: TestDatabase;
    const resolver = memoryRegister(SIZE);
    const options = (): ImportOptions => ({
      silo: silo.lister(),
      db: database.db,
      resolver,
      system: silo.system,
      actor: 'import-test',
      batchSize: 50,
    });
    const links = async () =>
      (await database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM citizen_identifiers WHERE system = $1', [silo.system]))
        .rows[0]!.n;

    before(async () => {
      [silo, database] = await Promise.all([start(), createTestDatabase('postgres')]);
    });
    after(async () => {
      await silo?.stop();
      await database?.drop();
    });

    test('a dry run matches the whole silo and writes nothing', async () => {
      const dry = await importPopulation({ ...options(), dryRun: true });
      assert.deepEqual(dry.counts, { ...expected, 'already-linked': 0, invalid: 1 });
      assert.equal(dry.total, SIZE + 1);
      assert.equal(await links(), 0);
    });

    test('killed after its first batch, the import resumes from the silo cursor; counts as generated', async () => {
      await assert.rejects(
        importPopulation({
          ...options(),
          afterBatch: () => {
            throw new Error('crash');
          },
        }),
        /crash/,
      );
      const report = await importPopulation(options());
      assert.equal(report.resumedAfter, 50);
      assert.equal(report.total, SIZE + 1);
      assert.deepEqual(report.counts, { ...expected, 'already-linked': 0, invalid: 1 });
      assert.equal(await links(), expected.linked, 'every exact match linked once');
      const held = report.lines.find((l) => l.localId === silo.localId(10));
      assert.deepEqual([held?.outcome, held?.reason], ['held', 'homonyms']);
      const missing = report.lines.find((l) => l.outcome === 'invalid');
      assert.deepEqual(
        [missing?.localId, missing?.reason],
        [silo.system === 'social-services' ? 'SS-999999' : 'USG-999999', 'dateOfBirth: required'],
      );
    });

    test('listing the silo again links nothing new: the linked are already linked', async () => {
      const again = await importPopulation(options());
      assert.equal(again.resumedAfter, 0);
      assert.deepEqual(again.counts, {
        linked: 0,
        held: expected.held,
        unmatched: expected.unmatched,
        'already-linked': expected.linked,
        invalid: 1,
      });
      assert.equal(await links(), expected.linked);
    });
  });
}
