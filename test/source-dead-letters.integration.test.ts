/**
 * Source dead letters (issue 13, item 5), against a real broker, Relais' store on PostgreSQL and
 * the waste-management vendor database on MariaDB: an incident whose event breaks its schema
 * (a desk reference the catalogue's requestId refuses) is dead-lettered with its cause and the
 * row as read, the cursor moves past it and the next incident is published; the gateway's
 * dead-letter view lists it (kind source); a re-drive before the fix dead-letters it again with
 * its new cause; after a mapping fix, a re-drive publishes it once, under the id the normal
 * path derives, and every request and outcome is audited.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { type RunningSource, startSourceRuntime } from '@relais/connector-kit/runtime';
import {
  createTestDatabase,
  ensureTestTopics,
  eventually,
  recordTopics,
  testBus,
  type TestDatabase,
  uniquePrefix,
} from '@relais/connector-kit/testing';
import type { Source } from '@relais/connector-kit';
import { createLogger } from '../core/logger.ts';
import { loadFlows } from '../core/flows/flows.ts';
import { sourceEventId } from '../core/ids.ts';
import { parseSourceDeadLetter } from '@relais/connector-kit/runtime';
import { topicNames } from '../core/topics.ts';
import { openSqlClient } from '../protocols/sql/sql-client.ts';
import { addHousehold } from '../silos/waste-management/seed.ts';
import { WasteDatabase } from '../connectors/waste-management/client.ts';
import { createWasteManagementSource } from '../connectors/waste-management/source.ts';
import { listDeadLetters, replayDeadLetters, type DeadLetterSources } from '../gateway/dead-letters.ts';
import { createWasteVendorDatabase, type VendorDatabase } from './support/vendor-databases.ts';

const system = 'waste-management';
const prefix = uniquePrefix('srcdlq');
const topics = topicNames(prefix);
const bus = testBus();
const flows = loadFlows('flows');
let store: TestDatabase;
let vendor: VendorDatabase;
let idUsager: number;
let sources: DeadLetterSources;

/** The deployed mapping fix of this story: desk references with spaces or slashes are normalised. */
function withFixedMapping(source: Source): Source {
  return {
    ...source,
    remap: (raw) => {
      const row = raw as Record<string, unknown>;
      return source.remap!({ ...row, reference_externe: String(row['reference_externe']).replace(/[^A-Za-z0-9._:-]/g, '-') });
    },
  };
}

function runner(fixed = false): RunningSource {
  const source = createWasteManagementSource(new WasteDatabase(openSqlClient(vendor.url, { max: 1 })), {
    system,
    batchSize: 10,
    settleMs: 0,
  });
  return startSourceRuntime({
    system,
    bus,
    db: store.db,
    topics,
    flows: () => flows,
    logger: createLogger({ component: 'test', level: 'silent' }),
    source: fixed ? withFixedMapping(source) : source,
    pollMs: 50,
    timeoutMs: 5000,
    backoff: { baseMs: 50, maxMs: 200 },
  });
}

async function incident(reference: string, dateMaj: string): Promise<number> {
  return vendor.sql.insert(
    "INSERT INTO incident (reference_externe, id_usager, categorie, canal, statut, date_signalement, date_maj) VALUES (?, ?, 'COLLECTE_NON_EFFECTUEE', 'PORTAIL', 'OUVERT', ?, ?)",
    [reference, idUsager, dateMaj, dateMaj],
    'id_incident',
  );
}

async function publishedRequests(): Promise<string[]> {
  const rows = await store.db.query<{ request_id: string }>(
    "SELECT data->>'requestId' AS request_id FROM changes WHERE origin_system = $1 ORDER BY accepted_at",
    [system],
  );
  return rows.rows.map((r) => r.request_id);
}

async function sourceLetters() {
  return (await listDeadLetters(sources, system, 'source')).deadLetters;
}

before(async () => {
  store = await createTestDatabase('postgres');
  vendor = await createWasteVendorDatabase('mariadb');
  await ensureTestTopics(bus, prefix, [system]);
  sources = { db: store.db, bus, topics, groupPrefix: `${prefix}-dlq-reader` };
  await addHousehold(vendor.sql, {
    numero_foyer: 'FOY-DLQ',
    adresse: { libelle_voie: 'rue DLQ', code_postal: '69003', commune: 'Lyon' },
    usagers: [{ numero_usager: 'USG-DLQ', nom: 'D', prenom: 'L' }],
  });
  idUsager = (await vendor.sql.query<{ id_usager: number }>("SELECT id_usager FROM usager WHERE numero_usager = 'USG-DLQ'")).rows[0]!
    .id_usager;
});
after(async () => {
  await bus.close();
  await vendor.drop();
  await store.drop();
});

test('an invalid record is dead-lettered with its cause and raw row, the cursor moves on, and a re-drive after the fix publishes it once', async () => {
  const good1 = `SR-${randomUUID().slice(0, 8)}`;
  const good2 = `SR-${randomUUID().slice(0, 8)}`;
  const bad = 'SR 2026/042';
  await incident(good1, '2026-11-05 09:00:00.000');
  const badId = await incident(bad, '2026-11-05 09:00:01.000');
  const lastId = await incident(good2, '2026-11-05 09:00:02.000');
  const events = await recordTopics(bus, [topics.events]);

  const first = runner();
  await first.ready;
  await eventually(async () => ((await publishedRequests()).length === 2 ? true : undefined), 20_000, 'the two good incidents');
  assert.deepEqual(await publishedRequests(), [good1, good2]);
  // The cursor moved past the bad record, to the last one read.
  await eventually(
    async () => {
      const saved = await store.db.query<{ checkpoint: string }>('SELECT checkpoint FROM source_checkpoints WHERE system = $1', [system]);
      return saved.rows[0] && (JSON.parse(saved.rows[0].checkpoint) as { id: number }).id === lastId ? true : undefined;
    },
    10_000,
    'the checkpoint past the bad record',
  );
  assert.equal(first.health().invalid, 1);

  // Listed by the gateway's view: kind source, its cause naming the field, the poll's checkpoint.
  const [letter, ...others] = await sourceLetters();
  assert.equal(others.length, 0);
  const recordKey = `incident:${badId}:OUVERT:`;
  assert.equal(letter!.kind, 'source');
  assert.equal(letter!.status, 'dead_lettered');
  assert.equal(letter!.code, 'EVENT_INVALID');
  assert.equal(letter!.pivotId, null);
  assert.match(letter!.error, /requestId/);
  assert.doesNotMatch(letter!.error, /SR 2026/, 'the cause names the field, not its value');
  assert.equal((JSON.parse(letter!.checkpoint!) as { id: number }).id, lastId);
  const eventId = letter!.eventId!;

  // The message: the raw row as read, the cause, the system, the checkpoint, the time.
  const dlq = await recordTopics(bus, [topics.sourceDlq(system)]);
  await eventually(async () => (dlq.messages.length === 1 ? true : undefined), 10_000, 'the dead letter');
  const message = dlq.messages[0]!;
  assert.equal(message.headers['relais_kind'], 'source');
  assert.equal(message.headers['ce_id'], eventId);
  const value = parseSourceDeadLetter(message.value.toString('utf8'))!;
  assert.ok(value.recordKey.startsWith(recordKey));
  assert.equal(eventId, sourceEventId(system, value.recordKey));
  assert.equal((value.raw as { reference_externe: string }).reference_externe, bad);
  assert.equal(value.system, system);
  assert.ok(value.failedAt);

  // A re-drive before the fix: mapped again, still invalid, dead-lettered again (attempt 2).
  const asked = await replayDeadLetters(sources, system, { eventIds: [eventId], kind: 'source' }, 'operator');
  assert.deepEqual(asked, { system, replayed: [eventId], skipped: [] });
  await eventually(
    async () => {
      const [again] = await sourceLetters();
      return again?.status === 'dead_lettered' && again.attempts === 2 ? again : undefined;
    },
    20_000,
    'dead-lettered again',
  );
  await first.stop();

  // The mapping fix is deployed; the re-drive publishes the event under the derived id, once.
  const fixed = runner(true);
  await fixed.ready;
  await replayDeadLetters(sources, system, { all: true, kind: 'source' }, 'operator');
  await eventually(async () => ((await publishedRequests()).length === 3 ? true : undefined), 20_000, 'the re-driven record');
  assert.deepEqual(await publishedRequests(), [good1, good2, 'SR-2026-042']);
  const change = await store.db.query<{ id: string }>("SELECT id FROM changes WHERE data->>'requestId' = 'SR-2026-042'");
  assert.equal(change.rows[0]!.id, eventId);
  await eventually(async () => ((await sourceLetters())[0]?.status === 'published' ? true : undefined), 10_000, 'listed as published');
  const twice = await replayDeadLetters(sources, system, { eventIds: [eventId], kind: 'source' }, 'operator');
  assert.deepEqual(twice.skipped, [{ eventId, reason: 'already published' }]);
  await new Promise((resolve) => setTimeout(resolve, 500));
  await fixed.stop();

  await eventually(async () => (events.messages.length >= 3 ? true : undefined), 10_000, 'the events on the topic');
  assert.equal(events.messages.filter((m) => m.headers['ce_id'] === eventId).length, 1, 'published once');
  await events.close();
  await dlq.close();

  const audit = await store.db.query<{ action: string; actor: string; outcome: string | null; kind: string | null }>(
    `SELECT action, actor, details->>'outcome' AS outcome, details->>'kind' AS kind FROM audit_log
      WHERE action LIKE 'dlq.%' ORDER BY id`,
  );
  assert.deepEqual(
    audit.rows.map((r) => [r.action, r.actor, r.outcome ?? r.kind]),
    [
      ['dlq.replayed', 'operator', 'source'],
      ['dlq.source.redriven', `connector:${system}`, 'dead_lettered'],
      ['dlq.replayed', 'operator', 'source'],
      ['dlq.source.redriven', `connector:${system}`, 'published'],
    ],
  );
});
