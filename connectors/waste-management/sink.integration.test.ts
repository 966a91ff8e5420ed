/**
 * The waste-management sink against the real vendor database, on MariaDB AND PostgreSQL (no
 * Kafka: the runtime's side is in sink-runtime.integration.test.ts). Each delivery is applied in
 * one transaction with its event id recorded in the silo, so a redelivery — sequential or
 * concurrent, with no help from Relais' own ledger — applies nothing twice.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  ADDRESS_CHANGED_V1,
  DEATH_REGISTERED_V1,
  type Delivery,
  RetryableError,
  SERVICE_REQUEST_SUBMITTED_V1,
} from '@relais/connector-kit';
import { testDelivery, testSinkContext } from '@relais/connector-kit/testing';
import { openSqlClient, type SqlDialect } from '../../protocols/sql/sql-client.ts';
import { householdOf, listIncidents } from '../../silos/waste-management/desk.ts';
import { addHousehold, roundsFor } from '../../silos/waste-management/seed.ts';
import { createWasteVendorDatabase, type VendorDatabase } from '../../test/support/vendor-databases.ts';
import { WasteDatabase } from './client.ts';
import { createWasteManagementSink } from './sink.ts';

const context = testSinkContext;

const delivery = (type: string, citizenId: string, data: Record<string, unknown>): Delivery =>
  testDelivery('waste-management', { type, citizenId, data });

const newAddress = {
  number: '7',
  streetName: 'rue de Créqui',
  postcode: '69006',
  communeName: 'Lyon',
  communeInsee: '69386',
  country: 'FR',
};

async function household(silo: VendorDatabase, n: string, members = 1): Promise<string[]> {
  const usagers = Array.from({ length: members }, (_, i) => ({ numero_usager: `USG-${n}-${i}`, nom: 'Test', prenom: `P${i}` }));
  await addHousehold(silo.sql, {
    numero_foyer: `FOY-${n}`,
    adresse: { numero: '1', libelle_voie: `rue ${n}`, code_postal: '69003', commune: 'Lyon', code_insee: '69383' },
    usagers,
  });
  return usagers.map((u) => u.numero_usager);
}

async function count(silo: VendorDatabase, table: string): Promise<number> {
  const rows = (await silo.sql.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${table}`)).rows;
  return Number(rows[0]!.n);
}

for (const dialect of ['mariadb', 'postgres'] as SqlDialect[]) {
  describe(`waste-management sink on ${dialect}`, () => {
    let silo: VendorDatabase;
    let db: WasteDatabase;
    let sink: ReturnType<typeof createWasteManagementSink>;
    before(async () => {
      silo = await createWasteVendorDatabase(dialect);
      db = new WasteDatabase(openSqlClient(silo.url));
      sink = createWasteManagementSink(db);
    });
    after(async () => {
      await sink.close?.();
      await silo.drop();
    });

    test("an address change moves the household's subscriptions in one transaction, with the event id recorded; redelivered, it applies nothing twice", async () => {
      const [person] = await household(silo, 'move', 2);
      const d = delivery(ADDRESS_CHANGED_V1, person!, { address: newAddress, effectiveDate: '2026-11-01' });
      assert.deepEqual(await sink.apply(d, context()), { status: 'applied' });
      const moved = (await householdOf(silo.sql, person!))!;
      assert.equal(moved.adresse.libelle_voie, 'rue de Créqui');
      assert.equal(moved.adresse.code_postal, '69006');
      assert.deepEqual(
        moved.abonnements.map((s) => [s.flux, s.libelle_voie, s.statut, s.date_debut, s.date_fin, s.motif_fin]),
        [
          ['OM', 'rue move', 'RESILIE', '2020-01-01', '2026-10-31', 'DEMENAGEMENT'],
          ['CS', 'rue move', 'RESILIE', '2020-01-01', '2026-10-31', 'DEMENAGEMENT'],
          ['OM', 'rue de Créqui', 'ACTIF', '2026-11-01', null, null],
          ['CS', 'rue de Créqui', 'ACTIF', '2026-11-01', null, null],
        ],
      );
      const recorded = await silo.sql.query<{ type_evenement: string; resultat: string }>(
        'SELECT type_evenement, resultat FROM relais_evenement WHERE id_evenement = ?',
        [d.eventId],
      );
      assert.deepEqual(recorded.rows, [{ type_evenement: ADDRESS_CHANGED_V1, resultat: 'applique' }]);

      const before = {
        abonnements: await count(silo, 'abonnement'),
        adresses: await count(silo, 'adresse'),
        events: await count(silo, 'relais_evenement'),
      };
      assert.deepEqual(await sink.apply(d, context()), { status: 'applied' });
      await Promise.all([sink.apply(d, context()), sink.apply(d, context())]);
      assert.deepEqual(
        {
          abonnements: await count(silo, 'abonnement'),
          adresses: await count(silo, 'adresse'),
          events: await count(silo, 'relais_evenement'),
        },
        before,
      );
      assert.deepEqual(await householdOf(silo.sql, person!), moved);
    });

    test("moved to a neighbour's address, a subscription takes a free bin of its stream there, never one in use; a new address takes its postcode's rounds", async () => {
      const [neighbour] = await household(silo, 'bins');
      const ids = async (sql: string): Promise<(number | null)[]> =>
        (await silo.sql.query<Record<string, number | null>>(sql)).rows.map((row) => Object.values(row)[0] ?? null);
      const [idAdresse = null] = await ids("SELECT id_adresse FROM adresse WHERE libelle_voie = 'rue bins'");
      // A spare household-waste bin stands there; the neighbour's two bins are in use.
      await silo.sql.query("INSERT INTO bac (numero_puce, flux, volume_litres, id_adresse) VALUES ('PUCE-SPARE', 'OM', 120, ?)", [
        idAdresse,
      ]);
      const [spare] = await ids("SELECT id_bac FROM bac WHERE numero_puce = 'PUCE-SPARE'");
      const [mover] = await household(silo, 'mover');
      const toNeighbour = {
        number: '1',
        streetName: 'rue bins',
        postcode: '69003',
        communeName: 'Lyon',
        communeInsee: '69383',
        country: 'FR',
      };
      const moved = delivery(ADDRESS_CHANGED_V1, mover!, { address: toNeighbour, effectiveDate: '2026-11-01' });
      assert.deepEqual(await sink.apply(moved, context()), { status: 'applied' });
      const active = (await householdOf(silo.sql, mover!))!.abonnements.filter((s) => s.statut === 'ACTIF');
      assert.deepEqual(
        active.map((s) => [s.flux, s.libelle_voie, s.id_bac]),
        [
          ['OM', 'rue bins', spare],
          ['CS', 'rue bins', null],
        ],
        'the spare bin, and none for sorted waste (the neighbour uses the only one)',
      );
      assert.equal((await householdOf(silo.sql, neighbour!))!.abonnements.filter((s) => s.statut === 'ACTIF').length, 2);

      // New addresses: in the 7th (whose first address has the 7th's rounds), and in a postcode the vendor has never served.
      const seventh = Object.values(await roundsFor(silo.sql, '69007'));
      assert.ok(
        seventh.every((id) => id !== null),
        'the 7th has rounds of its own',
      );
      await silo.sql.query(
        "INSERT INTO adresse (numero, indice, libelle_voie, code_postal, commune, id_tournee_om, id_tournee_cs, date_creation) VALUES ('2', '', 'rue du 7e', '69007', 'Lyon', ?, ?, '2020-01-01')",
        seventh,
      );
      for (const [n, postcode, expected] of [
        ['7', '69007', seventh],
        ['9', '69009', [null, null]],
      ] as const) {
        const [person] = await household(silo, `new-${postcode}`);
        const address = { ...newAddress, number: n, streetName: `rue neuve ${postcode}`, postcode };
        assert.deepEqual(await sink.apply(delivery(ADDRESS_CHANGED_V1, person!, { address, effectiveDate: '2026-11-01' }), context()), {
          status: 'applied',
        });
        const rounds = (
          await silo.sql.query<{ id_tournee_om: number | null; id_tournee_cs: number | null }>(
            'SELECT id_tournee_om, id_tournee_cs FROM adresse WHERE libelle_voie = ?',
            [`rue neuve ${postcode}`],
          )
        ).rows;
        assert.deepEqual(
          rounds.map((r) => [r.id_tournee_om, r.id_tournee_cs]),
          [expected],
          `a new address in ${postcode}: its postcode's rounds`,
        );
      }
    });

    test('two different deliveries of one move racing: one applies, the other finds the household there already', async () => {
      const [person] = await household(silo, 'race');
      const a = delivery(ADDRESS_CHANGED_V1, person!, { address: { ...newAddress, number: '9' }, effectiveDate: '2026-11-01' });
      const b = { ...a, eventId: randomUUID() };
      const outcomes = await Promise.all([sink.apply(a, context()), sink.apply(b, context())]);
      assert.deepEqual(outcomes, [{ status: 'applied' }, { status: 'applied' }]);
      const view = (await householdOf(silo.sql, person!))!;
      assert.equal(view.abonnements.filter((s) => s.statut === 'ACTIF').length, 2, 'moved once, not twice');
    });

    test("a death takes the person out of the household; the last one's closes it and ends the subscriptions; redelivered, nothing more", async () => {
      const [first, second] = await household(silo, 'death', 2);
      const d1 = delivery(DEATH_REGISTERED_V1, first!, { dateOfDeath: '2026-11-20' });
      assert.deepEqual(await sink.apply(d1, context()), { status: 'applied' });
      let view = (await householdOf(silo.sql, second!))!;
      assert.equal(view.statut, 'ACTIF');
      assert.equal(view.nb_personnes, 1);
      assert.deepEqual(
        view.usagers.map((u) => [u.statut, u.date_deces]),
        [
          ['DECEDE', '2026-11-20'],
          ['ACTIF', null],
        ],
      );
      assert.ok(view.abonnements.every((s) => s.statut === 'ACTIF'));

      const d2 = delivery(DEATH_REGISTERED_V1, second!, { dateOfDeath: '2026-12-01' });
      assert.deepEqual(await sink.apply(d2, context()), { status: 'applied' });
      assert.deepEqual(await sink.apply(d2, context()), { status: 'applied' });
      assert.deepEqual(await sink.apply(d1, context()), { status: 'applied' });
      view = (await householdOf(silo.sql, second!))!;
      assert.equal(view.statut, 'CLOS');
      assert.equal(view.nb_personnes, 0);
      assert.deepEqual(
        view.abonnements.map((s) => [s.statut, s.date_fin, s.motif_fin]),
        [
          ['RESILIE', '2026-12-01', 'DECES'],
          ['RESILIE', '2026-12-01', 'DECES'],
        ],
      );
      const events = await silo.sql.query('SELECT id_evenement FROM relais_evenement WHERE id_evenement IN (?, ?)', [
        d1.eventId,
        d2.eventId,
      ]);
      assert.equal(events.rows.length, 2);
    });

    test('a service request becomes one incident, whatever the redeliveries', async () => {
      const [person] = await household(silo, 'incident');
      const requestId = randomUUID();
      const d = delivery(SERVICE_REQUEST_SUBMITTED_V1, person!, {
        requestId,
        category: 'waste.missed-collection',
        location: {
          address: {
            number: '1',
            streetName: 'rue incident',
            postcode: '69003',
            communeName: 'Lyon',
            communeInsee: '69383',
            country: 'FR',
          },
        },
        description: "Le bac jaune n'a pas été collecté mardi.",
        status: 'submitted',
        competentService: 'waste-management',
        submittedAt: '2026-11-04T08:15:00+01:00',
      });
      await Promise.all([sink.apply(d, context()), sink.apply(d, context())]);
      assert.deepEqual(await sink.apply(d, context()), { status: 'applied' });
      const incidents = await listIncidents(silo.sql, { reference: requestId });
      assert.equal(incidents.length, 1);
      assert.equal(incidents[0]!.categorie, 'COLLECTE_NON_EFFECTUEE');
      assert.equal(incidents[0]!.statut, 'OUVERT');
      assert.equal(incidents[0]!.description, "Le bac jaune n'a pas été collecté mardi.");
      assert.equal(incidents[0]!.lieu, '1 rue incident, 69003 Lyon');
      assert.equal(incidents[0]!.date_signalement.toISOString(), '2026-11-04T07:15:00.000Z');
    });

    test('an unknown person is a rejection without their number, recorded so a redelivery answers the same', async () => {
      const d = delivery(ADDRESS_CHANGED_V1, 'USG-404404', { address: { ...newAddress, number: '404' }, effectiveDate: '2026-11-01' });
      const addresses = await count(silo, 'adresse');
      const outcome = await sink.apply(d, context());
      assert.equal(outcome.status, 'rejected');
      const reason = outcome.status === 'rejected' ? outcome.reason : '';
      assert.match(reason, /USAGER_INCONNU/);
      assert.doesNotMatch(reason, /404404/);
      assert.deepEqual(await sink.apply(d, context()), outcome);
      assert.equal(await count(silo, 'adresse'), addresses, 'nothing written for a refusal');
      const row = await silo.sql.query<{ resultat: string }>('SELECT resultat FROM relais_evenement WHERE id_evenement = ?', [d.eventId]);
      assert.equal(row.rows[0]!.resultat, 'rejete');
    });

    test('a delivery missing what the silo needs is a flow bug (not retried); an unreachable database is retryable', async () => {
      await assert.rejects(
        sink.apply(delivery(ADDRESS_CHANGED_V1, 'USG-x', { effectiveDate: '2026-11-01', address: { postcode: '69003' } }), context()),
        (error: Error & { retriable?: boolean; code?: string }) => error.retriable === false && error.code === 'EVENT_INVALID',
      );
      const url = dialect === 'mariadb' ? 'mariadb://root@127.0.0.1:9/x' : 'postgres://postgres@127.0.0.1:9/x';
      const down = createWasteManagementSink(new WasteDatabase(openSqlClient(url, { connectTimeoutMs: 1000 })));
      await assert.rejects(down.apply(delivery(DEATH_REGISTERED_V1, 'USG-x', { dateOfDeath: '2026-11-20' }), context()), RetryableError);
      await down.close?.();
    });
  });
}
