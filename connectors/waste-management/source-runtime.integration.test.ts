/**
 * The waste-management incident source under the source runtime (real broker, Relais' store on
 * PostgreSQL, the vendor database on MariaDB): two incidents sharing date_maj are both
 * published with a poll batch of one, and a runner stopped and started again resumes from the
 * checkpoint it saved — every record published once, none missed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { type RunningSource, startSourceRuntime } from '@relais/connector-kit/runtime';
import { createLogger } from '../../core/logger.ts';
import { loadFlows } from '../../core/flows/flows.ts';
import { openSqlClient } from '../../protocols/sql/sql-client.ts';
import { topicNames } from '../../core/topics.ts';
import { resolveIncident } from '../../silos/waste-management/desk.ts';
import { addHousehold } from '../../silos/waste-management/seed.ts';
import { WasteDatabase } from './client.ts';
import { createWasteManagementSource } from './source.ts';
import { createTestDatabase, ensureTestTopics, eventually, testBus, type TestDatabase, uniquePrefix } from '@relais/connector-kit/testing';
import { createWasteVendorDatabase, type VendorDatabase } from '../../test/support/vendor-databases.ts';

const system = 'waste-management';
const prefix = uniquePrefix('wsrc');
const topics = topicNames(prefix);
const bus = testBus();
const flows = loadFlows('flows');
let store: TestDatabase;
let vendor: VendorDatabase;
let idUsager: number;

function runner(): RunningSource {
  return startSourceRuntime({
    system,
    bus,
    db: store.db,
    topics,
    flows: () => flows,
    logger: createLogger({ component: 'test', level: 'silent' }),
    source: createWasteManagementSource(new WasteDatabase(openSqlClient(vendor.url, { max: 1 })), { system, batchSize: 1, settleMs: 0 }),
    pollMs: 50,
    timeoutMs: 5000,
    backoff: { baseMs: 50, maxMs: 200 },
  });
}

async function incident(dateMaj: string): Promise<{ id: number; reference: string }> {
  const reference = randomUUID();
  const id = await vendor.sql.insert(
    "INSERT INTO incident (reference_externe, id_usager, categorie, canal, statut, date_signalement, date_maj) VALUES (?, ?, 'COLLECTE_NON_EFFECTUEE', 'PORTAIL', 'OUVERT', ?, ?)",
    [reference, idUsager, dateMaj, dateMaj],
    'id_incident',
  );
  return { id, reference };
}

/** What the runtime recorded, by request id: the event types, in order of acceptance. */
async function published(): Promise<Map<string, string[]>> {
  const rows = await store.db.query<{ type: string; request_id: string }>(
    "SELECT type, data->>'requestId' AS request_id FROM changes WHERE origin_system = $1 ORDER BY accepted_at",
    [system],
  );
  const byRequest = new Map<string, string[]>();
  for (const row of rows.rows) byRequest.set(row.request_id, [...(byRequest.get(row.request_id) ?? []), row.type.split('.').at(-2)!]);
  return byRequest;
}

before(async () => {
  store = await createTestDatabase('postgres');
  vendor = await createWasteVendorDatabase('mariadb');
  await ensureTestTopics(bus, prefix, [system]);
  await addHousehold(vendor.sql, {
    numero_foyer: 'FOY-RS',
    adresse: { libelle_voie: 'rue RS', code_postal: '69003', commune: 'Lyon' },
    usagers: [{ numero_usager: 'USG-RS', nom: 'R', prenom: 'S' }],
  });
  idUsager = (await vendor.sql.query<{ id_usager: number }>("SELECT id_usager FROM usager WHERE numero_usager = 'USG-RS'")).rows[0]!
    .id_usager;
});
after(async () => {
  await bus.close();
  await vendor.drop();
  await store.drop();
});

test('same-instant incidents are all published, and a restarted runner resumes from its checkpoint without repeating or missing one', async () => {
  const a = await incident('2026-11-04 10:00:00.000');
  const b = await incident('2026-11-04 10:00:00.000');
  const first = runner();
  await first.ready;
  await eventually(async () => ((await published()).size === 2 ? true : undefined), 20_000, 'both incidents published');
  await first.stop();
  const saved = await store.db.query<{ checkpoint: string }>('SELECT checkpoint FROM source_checkpoints WHERE system = $1', [system]);
  assert.deepEqual(JSON.parse(saved.rows[0]!.checkpoint), { dateMaj: '2026-11-04 10:00:00.000000', id: b.id });

  // While it is stopped: a third incident at the same instant, and the first one resolved.
  const c = await incident('2026-11-04 10:00:00.000');
  await resolveIncident(vendor.sql, a.id, 'Collecté.');
  const second = runner();
  await second.ready;
  await eventually(
    async () => ((await published()).get(a.reference)?.length === 2 && (await published()).has(c.reference) ? true : undefined),
    20_000,
    'the rest',
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
  await second.stop();
  assert.deepEqual(Object.fromEntries(await published()), {
    [a.reference]: ['updated', 'resolved'],
    [b.reference]: ['updated'],
    [c.reference]: ['updated'],
  });
});
