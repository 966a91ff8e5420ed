/**
 * The waste-management connector under the sink runtime, on the real broker, with Relais'
 * ledger in PostgreSQL and the vendor database on MariaDB AND PostgreSQL:
 *  - an address change and a death are applied once; when Relais' own ledger loses its record
 *    (as after a crash between the silo's commit and the ledger write) and the deliveries come
 *    again, the silo's own record of the event ids stops a second effect;
 *  - the vendor database down for a while: deliveries wait (retried) and apply when it is back,
 *    once.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSinkRuntime } from '@relais/connector-kit/runtime';
import { encodeDelivery, type Delivery } from '../../core/envelopes.ts';
import { createLogger } from '../../core/logger.ts';
import { openSqlClient, type SqlDialect } from '../../protocols/sql/sql-client.ts';
import { topicNames } from '../../core/topics.ts';
import { householdOf } from '../../silos/waste-management/desk.ts';
import { addHousehold } from '../../silos/waste-management/seed.ts';
import { WasteDatabase } from './client.ts';
import { createWasteManagementSink } from './sink.ts';
import {
  createTestDatabase,
  ensureTestTopics,
  eventually,
  type FaultProxy,
  faultProxy,
  testBus,
  type TestDatabase,
  testDelivery,
  uniquePrefix,
  testReceiptKey,
} from '@relais/connector-kit/testing';
import { createWasteVendorDatabase, type VendorDatabase } from '../../test/support/vendor-databases.ts';

const system = 'waste-management';

const delivery = (type: string, citizenId: string, data: Record<string, unknown>): Delivery =>
  testDelivery(system, { type, citizenId, data });

for (const dialect of ['mariadb', 'postgres'] as SqlDialect[]) {
  describe(`waste-management connector under the sink runtime, vendor database on ${dialect}`, () => {
    const prefix = uniquePrefix('waste');
    const topics = topicNames(prefix);
    const bus = testBus();
    let store: TestDatabase;
    let vendor: VendorDatabase;
    let proxy: FaultProxy;
    let stop: () => Promise<void>;

    before(async () => {
      store = await createTestDatabase('postgres');
      vendor = await createWasteVendorDatabase(dialect);
      const url = new URL(vendor.url);
      proxy = await faultProxy({ host: url.hostname, port: Number(url.port || (dialect === 'mariadb' ? 3306 : 5432)) });
      url.host = `127.0.0.1:${proxy.port}`;
      await ensureTestTopics(bus, prefix, [system]);
      const runner = await startSinkRuntime({
        system,
        receiptKey: testReceiptKey(system),
        sink: createWasteManagementSink(new WasteDatabase(openSqlClient(url.toString(), { connectTimeoutMs: 500 }))),
        bus,
        db: store.db,
        topics,
        groupId: `${prefix}-sink`,
        retry: { maxAttempts: 40, baseMs: 50, maxMs: 250 },
        timeoutMs: 3000,
        logger: createLogger({ component: 'test', level: 'silent' }),
      });
      await runner.ready;
      stop = () => runner.stop();
    });
    after(async () => {
      await stop();
      await bus.close();
      await proxy.close();
      await vendor.drop();
      await store.drop();
    });

    const settled = (eventIds: string[]) =>
      eventually(
        async () => {
          const rows = await store.db.query<{ event_id: string; outcome: string }>(
            'SELECT event_id, outcome FROM sink_ledger WHERE system = $1 AND event_id = ANY($2::uuid[])',
            [system, eventIds],
          );
          return rows.rows.length === eventIds.length ? rows.rows : undefined;
        },
        30_000,
        'the deliveries to settle',
      );
    const silo = async (numero: string) => ({
      household: await householdOf(vendor.sql, numero),
      events: (
        await vendor.sql.query<{ id_evenement: string }>('SELECT id_evenement FROM relais_evenement ORDER BY id_evenement')
      ).rows.map((r) => r.id_evenement),
    });

    test("an address change and a death apply once, even when Relais' ledger lost them and they come again", async () => {
      await addHousehold(vendor.sql, {
        numero_foyer: 'FOY-K1',
        adresse: { libelle_voie: 'rue K1', code_postal: '69003', commune: 'Lyon' },
        usagers: [
          { numero_usager: 'USG-K1', nom: 'A', prenom: 'A' },
          { numero_usager: 'USG-K2', nom: 'B', prenom: 'B' },
        ],
      });
      const move = delivery('fr.relais.citizen.address.changed.v1', 'USG-K1', {
        address: { number: '5', streetName: 'cours Gambetta', postcode: '69007', communeName: 'Lyon' },
        effectiveDate: '2026-12-01',
      });
      const death = delivery('fr.relais.citizen.death.registered.v1', 'USG-K2', { dateOfDeath: '2026-12-02' });
      const messages = [encodeDelivery(move, topics.delivery(system)), encodeDelivery(death, topics.delivery(system))];
      await bus.publish(messages);
      assert.deepEqual(
        (await settled([move.eventId, death.eventId])).map((r) => r.outcome),
        ['applied', 'applied'],
      );
      const first = await silo('USG-K1');
      assert.equal(first.household!.adresse.libelle_voie, 'cours Gambetta');
      assert.equal(first.household!.nb_personnes, 1);
      assert.deepEqual(first.events, [move.eventId, death.eventId].sort());

      await store.db.query('DELETE FROM sink_ledger WHERE system = $1', [system]);
      await bus.publish(messages);
      await settled([move.eventId, death.eventId]);
      assert.deepEqual(await silo('USG-K1'), first, 'the silo is exactly as after the first application');
    });

    test('the vendor database down for a while: deliveries wait and apply when it returns, once', async () => {
      await addHousehold(vendor.sql, {
        numero_foyer: 'FOY-K3',
        adresse: { libelle_voie: 'rue K3', code_postal: '69003', commune: 'Lyon' },
        usagers: [{ numero_usager: 'USG-K3', nom: 'C', prenom: 'C' }],
      });
      await proxy.cut();
      const move = delivery('fr.relais.citizen.address.changed.v1', 'USG-K3', {
        address: { number: '9', streetName: 'rue Garibaldi', postcode: '69003', communeName: 'Lyon' },
        effectiveDate: '2026-12-05',
      });
      await bus.publish([encodeDelivery(move, topics.delivery(system))]);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const waiting = await store.db.query('SELECT 1 FROM sink_ledger WHERE event_id = $1', [move.eventId]);
      assert.equal(waiting.rows.length, 0, 'not settled while the database is down');
      await proxy.restore();
      assert.deepEqual(
        (await settled([move.eventId])).map((r) => r.outcome),
        ['applied'],
      );
      const after = await silo('USG-K3');
      assert.equal(after.household!.adresse.libelle_voie, 'rue Garibaldi');
      assert.equal(after.household!.abonnements.filter((s) => s.statut === 'ACTIF').length, 2);
      assert.equal(after.events.filter((id) => id === move.eventId).length, 1);
    });
  });
}
