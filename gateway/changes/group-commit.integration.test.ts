/**
 * Group commit on real PostgreSQL, under concurrency: the guarantees of acceptChange hold when
 * changes are written in groups — per citizen, numbers and outbox order follow acceptance;
 * an Idempotency-Key answers its first change (replay, or conflict for another body) whether
 * the two uses share a group or not; an unknown citizen, a merged one, a deceased one are
 * decided as without grouping; every created change has its recipients, outbox row and audit
 * entry; and groups did form.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '@relais/connector-kit/testing';
import { loadFlows } from '../../core/flows/flows.ts';
import { createLogger } from '../../core/logger.ts';
import { topicNames } from '../../core/topics.ts';
import { DEATH_REGISTERED_V1 } from '../../schemas/index.ts';
import type { Caller } from '../auth.ts';
import { HttpProblem, problemTypes } from '../problems.ts';
import type { AcceptOutcome, ChangeToAccept } from './accept.ts';
import { ChangeGroups } from './group-commit.ts';

let database: TestDatabase;
const flows = loadFlows('flows');
const caller: Caller = { name: 'group-test', kind: 'service', scopes: ['changes:write'] };
const citizens = Array.from({ length: 5 }, () => randomUUID());
const merged = randomUUID();
const deceased = randomUUID();

before(async () => {
  database = await createTestDatabase('postgres');
  const { db } = database;
  for (const pivotId of [...citizens, merged, deceased]) await db.query('INSERT INTO citizens (pivot_id) VALUES ($1)', [pivotId]);
  for (const [i, pivotId] of citizens.entries()) {
    await db.query(`INSERT INTO citizen_identifiers (system, local_id, pivot_id) VALUES ('social-services', $1, $2)`, [`SS-${i}`, pivotId]);
  }
  await db.query('UPDATE citizens SET merged_into = $1 WHERE pivot_id = $2', [citizens[0], merged]);
  await db.query(
    `INSERT INTO changes (id, type, pivot_id, channel, caller, data, traceparent, request_hash, accepted_at)
     VALUES ($1, $2, $3, 'desk', 'register', '{"dateOfDeath": "2026-10-01"}', '00-0-0-01', 'x', now())`,
    [randomUUID(), DEATH_REGISTERED_V1, deceased],
  );
});
after(() => database.drop());

function change(citizen: ChangeToAccept['citizen'], street: string, idempotencyKey?: string): ChangeToAccept {
  const data = {
    address: { number: '1', streetName: street, postcode: '69003', communeName: 'Lyon', country: 'FR' },
    effectiveDate: '2026-11-01',
  };
  return {
    type: 'fr.relais.citizen.address.changed.v1',
    data,
    channel: 'web',
    citizen,
    caller,
    idempotencyKey,
    requestHash: `hash-${street}`,
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  };
}

test('under concurrency, groups keep every guarantee of one transaction per change', async () => {
  const { db } = database;
  let wakes = 0;
  const groups = new ChangeGroups(
    { db, topics: topicNames('group-test'), logger: createLogger({ component: 'test', level: 'silent' }), onChangeAccepted: () => wakes++ },
    64,
  );
  const requests: { label: string; change: ChangeToAccept }[] = [];
  for (let i = 0; i < 200; i++) {
    const n = i % citizens.length;
    // Half by pivot id, half by the crosswalk's identifier: both name the same five citizens.
    const citizen = i % 2 === 0 ? { pivotId: citizens[n]! } : { system: 'social-services', id: `SS-${n}` };
    requests.push({ label: `c${i}`, change: change(citizen, `rue ${i}`) });
  }
  requests.push({ label: 'key-first', change: change({ pivotId: citizens[1]! }, 'rue clef', 'key-1') });
  requests.push({ label: 'key-same', change: change({ pivotId: citizens[1]! }, 'rue clef', 'key-1') });
  requests.push({ label: 'key-other', change: change({ pivotId: citizens[1]! }, 'rue autre', 'key-1') });
  requests.push({ label: 'unknown', change: change({ system: 'social-services', id: 'SS-nobody' }, 'rue inconnue') });
  requests.push({ label: 'merged', change: change({ pivotId: merged }, 'rue fusion') });
  requests.push({ label: 'deceased', change: change({ pivotId: deceased }, 'rue défunt') });

  const outcomes = new Map<string, AcceptOutcome>();
  await Promise.all(requests.map(async ({ label, change: c }) => outcomes.set(label, await groups.accept(flows, c))));

  for (let i = 0; i < 200; i++) assert.equal(outcomes.get(`c${i}`)?.outcome, 'created', `c${i}`);
  const first = outcomes.get('key-first');
  assert.equal(first?.outcome, 'created');
  const firstId = first?.outcome === 'created' ? first.change.id : '';
  assert.deepEqual(outcomes.get('key-same'), { outcome: 'replayed', changeId: firstId });
  assert.deepEqual(outcomes.get('key-other'), { outcome: 'idempotency-conflict', changeId: firstId });
  assert.equal(outcomes.get('unknown')?.outcome, 'unknown-citizen');
  assert.deepEqual(outcomes.get('deceased'), { outcome: 'citizen-deceased', dateOfDeath: '2026-10-01' });
  const mergedOutcome = outcomes.get('merged');
  assert.equal(
    mergedOutcome?.outcome === 'created' && mergedOutcome.change.pivotId,
    citizens[0],
    "a merged citizen's change is the survivor's",
  );

  // Per citizen: distinct numbers, and the outbox (published in id order) in the order of the numbers.
  const rows = await db.query<{ pivot_id: string; seq: string; outbox_id: string }>(
    `SELECT c.pivot_id::text AS pivot_id, c.seq::text AS seq, o.id::text AS outbox_id
       FROM changes c JOIN outbox o ON o.headers->>'ce_id' = c.id::text WHERE c.caller = 'group-test' ORDER BY o.id`,
  );
  assert.equal(rows.rows.length, 202, '200 changes, the keyed one and the merged one');
  const lastSeq = new Map<string, number>();
  for (const row of rows.rows) {
    const seq = Number(row.seq);
    assert.ok(seq > (lastSeq.get(row.pivot_id) ?? 0), `citizen ${row.pivot_id}: seq ${seq} after ${lastSeq.get(row.pivot_id)}`);
    lastSeq.set(row.pivot_id, seq);
  }
  const audited = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM audit_log WHERE action = 'change.accepted' AND actor = 'group-test'`,
  );
  assert.equal(audited.rows[0]?.n, 202);
  const refused = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM audit_log WHERE action = 'change.refused' AND pivot_id = $1`,
    [deceased],
  );
  assert.equal(refused.rows[0]?.n, 1);
  const pending = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM change_recipients r JOIN changes c ON c.id = r.change_id WHERE c.caller = 'group-test'`,
  );
  assert.ok((pending.rows[0]?.n ?? 0) > 0, 'the created changes have their pending recipients');
  assert.ok(groups.stats.groups < 100, `${groups.stats.groups} groups for 206 changes: grouping happened`);
  assert.ok(groups.stats.largest > 1);
  assert.ok(wakes > 0);
});

test('a lone change goes at once, in a group of one', async () => {
  const groups = new ChangeGroups(
    { db: database.db, topics: topicNames('group-test'), logger: createLogger({ component: 'test', level: 'silent' }) },
    64,
  );
  const outcome = await groups.accept(flows, change({ pivotId: citizens[2]! }, 'rue seule'));
  assert.equal(outcome.outcome, 'created');
  assert.deepEqual(groups.stats, { groups: 1, largest: 1, changes: 1, refused: 0 });
});

test('beyond its bound, a change is refused at once as overload, and nothing of it is stored', async () => {
  const { db } = database;
  // Groups of 2, at most 4 waiting behind the one being written: 30 at once cannot all wait.
  const groups = new ChangeGroups(
    { db, topics: topicNames('group-test'), logger: createLogger({ component: 'test', level: 'silent' }) },
    2,
    4,
  );
  const streets = Array.from({ length: 30 }, (_, i) => `rue surcharge ${i}`);
  const settled = await Promise.allSettled(streets.map((street, i) => groups.accept(flows, change({ pivotId: citizens[i % 5]! }, street))));

  const refused = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
  assert.ok(refused.length > 0, 'some changes were refused');
  for (const { reason } of refused) {
    assert.ok(reason instanceof HttpProblem, String(reason));
    assert.equal(reason.code, 'gateway-overloaded');
    assert.equal(problemTypes[reason.code].status, 503);
  }
  assert.equal(groups.stats.refused, refused.length);
  const created = settled.filter((s) => s.status === 'fulfilled' && s.value.outcome === 'created');
  assert.equal(created.length + refused.length, 30, 'every change is either created or refused');
  const stored = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM changes WHERE request_hash LIKE 'hash-rue surcharge %'`);
  assert.equal(stored.rows[0]?.n, created.length, 'exactly the created changes are stored');

  // Once the queue has drained, the next change waits its turn again.
  const later = await groups.accept(flows, change({ pivotId: citizens[0]! }, 'rue après'));
  assert.equal(later.outcome, 'created');
});
