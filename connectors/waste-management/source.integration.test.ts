/**
 * The waste-management incident source against the real vendor database, on MariaDB AND
 * PostgreSQL: polling by (date_maj, id_incident) misses no row when two rows share date_maj
 * (even with a page boundary between them), and a new instance started from the saved
 * checkpoint goes on where the last one stopped, without repeating or skipping.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { asCheckpoint, type Checkpoint, createLogger, type PollResult, validateEventData } from '@relais/connector-kit';
import { openSqlClient, utcNowSql, type SqlDialect } from '../../protocols/sql/sql-client.ts';
import { recordIncident, resolveIncident, takeIncident } from '../../silos/waste-management/desk.ts';
import { addHousehold } from '../../silos/waste-management/seed.ts';
import { createWasteVendorDatabase, type VendorDatabase } from '../../test/support/vendor-databases.ts';
import { WasteDatabase } from './client.ts';
import { createWasteManagementSource } from './source.ts';

const logger = createLogger({ component: 'test', level: 'silent' });
const context = () => ({ signal: new AbortController().signal, logger });

for (const dialect of ['mariadb', 'postgres'] as SqlDialect[]) {
  describe(`waste-management incident source on ${dialect}`, () => {
    let silo: VendorDatabase;
    let idUsager: number;
    const sources: ReturnType<typeof createWasteManagementSource>[] = [];
    const source = (batchSize: number, settleMs = 0) => {
      const created = createWasteManagementSource(new WasteDatabase(openSqlClient(silo.url, { max: 1 })), {
        system: 'waste-management',
        batchSize,
        settleMs,
      });
      sources.push(created);
      return created;
    };

    /** An incident reported through Relais, with the date_maj given (UTC text). */
    async function incident(dateMaj: string, statut = 'OUVERT'): Promise<{ id: number; reference: string }> {
      const reference = randomUUID();
      const id = await silo.sql.insert(
        `INSERT INTO incident (reference_externe, id_usager, categorie, canal, statut, date_signalement, date_maj) VALUES (?, ?, 'COLLECTE_NON_EFFECTUEE', 'PORTAIL', ?, ?, ?)`,
        [reference, idUsager, statut, dateMaj, dateMaj],
        'id_incident',
      );
      return { id, reference };
    }

    async function drain(
      polled: ReturnType<typeof source>,
      from: Checkpoint | null,
    ): Promise<{ results: PollResult[]; checkpoint: Checkpoint | null }> {
      const results: PollResult[] = [];
      let checkpoint = from;
      for (let i = 0; i < 20; i++) {
        const result = await polled.poll(checkpoint, context());
        if (result.events.length === 0 && result.checkpoint === checkpoint) return { results, checkpoint };
        results.push(result);
        checkpoint = result.checkpoint;
      }
      throw new Error('the source never ran dry');
    }

    before(async () => {
      silo = await createWasteVendorDatabase(dialect);
      await addHousehold(silo.sql, {
        numero_foyer: 'FOY-SRC',
        adresse: { libelle_voie: 'rue Source', code_postal: '69003', commune: 'Lyon' },
        usagers: [{ numero_usager: 'USG-SRC', nom: 'T', prenom: 'T' }],
      });
      idUsager = (await silo.sql.query<{ id_usager: number }>("SELECT id_usager FROM usager WHERE numero_usager = 'USG-SRC'")).rows[0]!
        .id_usager;
    });
    after(async () => {
      for (const s of sources) await s.close?.();
      await silo.drop();
    });

    test('two incidents sharing date_maj across a page boundary are both captured, once each', async () => {
      const a = await incident('2026-11-04 10:00:00.000');
      const b = await incident('2026-11-04 10:00:00.000');
      const c = await incident('2026-11-04 10:00:00.001');
      const polled = source(1);
      const first = await polled.poll(null, context());
      assert.deepEqual(
        first.events.map((e) => e.data['requestId']),
        [a.reference],
        'page 1 ends between the two rows of the same instant',
      );
      const { results } = await drain(polled, first.checkpoint);
      assert.deepEqual(
        results.flatMap((r) => r.events.map((e) => e.data['requestId'])),
        [b.reference, c.reference],
      );
      // What a cursor on date_maj alone would do: resume after 10:00:00.000 and never see b.
      const naive = await silo.sql.query<{ reference_externe: string }>(
        'SELECT reference_externe FROM incident WHERE date_maj > ? AND reference_externe IN (?, ?, ?)',
        ['2026-11-04 10:00:00.000', a.reference, b.reference, c.reference],
      );
      assert.deepEqual(
        naive.rows.map((r) => r.reference_externe),
        [c.reference],
      );
    });

    test('every event is a valid service-request event for the requester; a re-poll from an older checkpoint yields the same record keys', async () => {
      const { id, reference } = await incident('2026-11-05 08:00:00.000');
      const polled = source(100);
      const { results, checkpoint } = await drain(polled, null);
      const event = results.flatMap((r) => r.events).find((e) => e.data['requestId'] === reference)!;
      assert.equal(event.type, 'fr.relais.service-request.updated.v1');
      assert.equal(event.citizenLocalId, 'USG-SRC');
      assert.deepEqual(event.data, {
        requestId: reference,
        category: 'waste.missed-collection',
        competentService: 'waste-management',
        status: 'acknowledged',
        updatedAt: '2026-11-05T08:00:00.000Z',
      });
      assert.deepEqual(validateEventData(event.type, event.data), []);
      const again = await drain(source(100), null);
      assert.deepEqual(
        again.results.flatMap((r) => r.events.map((e) => e.recordKey)),
        results.flatMap((r) => r.events.map((e) => e.recordKey)),
      );
      assert.equal(again.checkpoint, checkpoint);
      assert.ok(id > 0);
    });

    test("a new instance started from the saved checkpoint goes on: the agent's work is captured, nothing is repeated", async () => {
      const first = source(2);
      const { checkpoint } = await drain(first, null);
      await first.close?.();
      sources.splice(sources.indexOf(first), 1);

      const { id, reference } = await incident('2026-11-06 09:00:00.000');
      await takeIncident(silo.sql, id);
      const restarted = source(2);
      const { results, checkpoint: next } = await drain(restarted, checkpoint);
      assert.deepEqual(
        results.flatMap((r) => r.events.map((e) => [e.data['requestId'], e.type, e.data['status']])),
        [[reference, 'fr.relais.service-request.updated.v1', 'in-progress']],
      );

      await resolveIncident(silo.sql, id, 'Bac collecté jeudi matin.');
      const resolved = await drain(source(2), next);
      const events = resolved.results.flatMap((r) => r.events);
      assert.equal(events.length, 1);
      assert.equal(events[0]!.type, 'fr.relais.service-request.resolved.v1');
      assert.deepEqual(
        { ...events[0]!.data, resolvedAt: 'x' },
        {
          requestId: reference,
          category: 'waste.missed-collection',
          competentService: 'waste-management',
          status: 'resolved',
          comment: 'Bac collecté jeudi matin.',
          resolvedAt: 'x',
        },
      );
      assert.deepEqual(validateEventData(events[0]!.type, events[0]!.data), []);
    });

    test('rows younger than the settle time wait for a later poll; incidents not reported through Relais are never published', async () => {
      const { checkpoint } = await drain(source(100), null);
      await recordIncident(silo.sql, { categorie: 'ENCOMBRANT', canal: 'TELEPHONE' });
      const now = (await silo.sql.query<{ t: Date }>(`SELECT ${utcNowSql(dialect)} AS t`)).rows[0]!.t;
      const fresh = await incident(now.toISOString().replace('T', ' ').replace('Z', ''));
      const settling = source(100, 60_000);
      assert.deepEqual((await settling.poll(checkpoint, context())).events, []);
      const { results } = await drain(source(100, 0), checkpoint);
      assert.deepEqual(
        results.flatMap((r) => r.events.map((e) => e.data['requestId'])),
        [fresh.reference],
      );
    });

    test('a corrupt checkpoint stops the source with a clear error instead of starting over', async () => {
      await assert.rejects(source(1).poll(asCheckpoint('{"dateMaj":"yesterday"}'), context()), /checkpoint is not \{ dateMaj, id \}/);
    });
  });
}
