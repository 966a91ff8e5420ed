/**
 * Retention against real PostgreSQL, with a fake clock (purgeExpired takes `now`): changes
 * accepted at known times, periods per data class; the purge removes exactly the fields past
 * their class's period, and nothing else — not the fields of a class still in its period, not
 * a recent change, not what the KPIs count (times, statuses, channels) nor the disclosure
 * ledger. It is counted, audited, and a second pass finds nothing more.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, eventually, type TestDatabase } from '@relais/connector-kit/testing';
import { createLogger } from '../core/logger.ts';
import { insertChange, insertOutbox } from '../core/store/change-record.ts';
import { linkIdentifier } from '../identity/identity-store.ts';
import { ADDRESS_CHANGED_V1, CONTACT_CHANGED_V1 } from '../schemas/index.ts';
import { purgeExpired, withoutExpired, type DataClass } from './retention.ts';
import { startRetentionPurge } from './retention-schedule.ts';

const DAY = 86_400_000;
const now = new Date('2029-01-01T00:00:00Z');
const daysAgo = (n: number) => new Date(now.getTime() - n * DAY);
const days = { identity: 1825, contact: 730, location: 365, sensitive: 90 };
const jeanne = randomUUID();
let database: TestDatabase;

const address = {
  address: { number: '3', streetName: 'rue Garibaldi', postcode: '69003', communeName: 'Lyon', communeInsee: '69383', country: 'FR' },
  effectiveDate: '2026-11-01',
};

async function change(type: string, data: object, acceptedAt: Date): Promise<string> {
  const id = randomUUID();
  await database.db.transaction(async (tx) => {
    await insertChange(tx, {
      id,
      type,
      pivotId: jeanne,
      channel: 'desk',
      caller: 'test',
      data,
      traceparent: '',
      requestHash: 'h',
      acceptedAt,
      plannedSystems: ['social-services'],
    });
    await tx.query(`UPDATE change_recipients SET status = 'applied', settled_at = $2, applied_at = $2 WHERE change_id = $1`, [
      id,
      acceptedAt,
    ]);
    await tx.query(
      `INSERT INTO disclosures (change_id, system, pivot_id, channel, event_type, fields, handed_over_at) VALUES ($1, 'social-services', $2, 'desk', $3, '{address.postcode}', $4)`,
      [id, jeanne, type, acceptedAt],
    );
  });
  return id;
}

const dataOf = async (id: string) =>
  (await database.db.query<{ data: Record<string, unknown> }>('SELECT data FROM changes WHERE id = $1', [id])).rows[0]!.data;

before(async () => {
  database = await createTestDatabase('postgres');
  await linkIdentifier(database.db, jeanne, 'social-services', 'SS-000123');
});
after(() => database.drop());

test('labels decide: an expired class goes, `none` and unexpired classes stay, an unlabelled field counts as sensitive', () => {
  const expired = new Set<DataClass>(['location']);
  const { data, removed } = withoutExpired(ADDRESS_CHANGED_V1, { ...address, surprise: 'x' }, expired);
  assert.deepEqual(data, { effectiveDate: '2026-11-01', surprise: 'x' });
  assert.equal(removed.location, 1);
  assert.deepEqual(withoutExpired(ADDRESS_CHANGED_V1, { surprise: 'x' }, new Set(['sensitive'])).data, {});
});

test('purges what is due and nothing else; counted, audited, and a second pass finds nothing', async () => {
  const oldMove = await change(ADDRESS_CHANGED_V1, address, daysAgo(400)); // location (365 days) expired
  const recentMove = await change(ADDRESS_CHANGED_V1, address, daysAgo(300)); // still within
  const oldContact = await change(CONTACT_CHANGED_V1, { email: 'jeanne.martin@example.fr', language: 'fr' }, daysAgo(400)); // contact: 730 days
  const olderContact = await change(CONTACT_CHANGED_V1, { email: 'jeanne.martin@example.fr', phone: '+33612345678' }, daysAgo(800));
  await insertOutbox(database.db, { topic: 't', key: jeanne, value: Buffer.from('{"address":"…"}'), headers: {} });
  await database.db.query(`UPDATE outbox SET sent_at = $1, created_at = $1`, [daysAgo(400)]);
  // Two calls logged at a desk: the agent's words about the older one are past the sensitive period (90 days).
  for (const [agoDays, note] of [
    [120, 'Signale un litige avec son bailleur'],
    [30, 'Rappel prévu lundi'],
  ] as const)
    await database.db.query(
      `INSERT INTO interactions (id, pivot_id, channel, subject, note, occurred_at, agent) VALUES (gen_random_uuid(), $1, 'phone', 'Logement', $2, $3, 'dominique')`,
      [jeanne, note, daysAgo(agoDays)],
    );
  const kpisBefore = await database.db.query(
    'SELECT change_id, system, status, settled_at, applied_at FROM change_recipients ORDER BY change_id',
  );

  const purged: string[] = [];
  const counts = await purgeExpired(database.db, days, now, { purged: (c, store, n) => purged.push(`${c}:${store}:${n}`) });

  assert.deepEqual(await dataOf(oldMove), { effectiveDate: '2026-11-01' });
  assert.deepEqual(await dataOf(recentMove), address);
  assert.deepEqual(await dataOf(oldContact), { email: 'jeanne.martin@example.fr', language: 'fr' });
  assert.deepEqual(await dataOf(olderContact), {});
  assert.deepEqual(counts.changes, { identity: 0, contact: 2, location: 1, sensitive: 0 });
  assert.equal(counts.outbox, 1);
  assert.deepEqual(purged.sort(), ['all:outbox:1', 'contact:changes:2', 'location:changes:1', 'sensitive:interactions:1']);
  const contacts = await database.db.query<{ subject: string; note: string | null; channel: string }>(
    'SELECT subject, note, channel FROM interactions ORDER BY occurred_at',
  );
  assert.deepEqual(
    contacts.rows.map((r) => [r.channel, r.subject, r.note]),
    [
      ['phone', '[erased]', null],
      ['phone', 'Logement', 'Rappel prévu lundi'],
    ],
  );

  // What the KPIs count and the disclosure ledger are untouched.
  const kpisAfter = await database.db.query(
    'SELECT change_id, system, status, settled_at, applied_at FROM change_recipients ORDER BY change_id',
  );
  assert.deepEqual(kpisAfter.rows, kpisBefore.rows);
  const ledger = await database.db.query('SELECT count(*)::int AS n FROM disclosures WHERE pivot_id = $1', [jeanne]);
  assert.equal((ledger.rows[0] as { n: number }).n, 4);
  const changes = await database.db.query('SELECT count(*)::int AS n FROM changes WHERE pivot_id = $1', [jeanne]);
  assert.equal((changes.rows[0] as { n: number }).n, 4);

  const audit = await database.db.query<{ details: { changes: number; asOf: string } }>(
    `SELECT details FROM audit_log WHERE action = 'retention.purged' AND actor = 'relais:retention'`,
  );
  assert.equal(audit.rows.length, 1);
  assert.equal(audit.rows[0]!.details.changes, 2);
  assert.equal(audit.rows[0]!.details.asOf, now.toISOString());

  const again = await purgeExpired(database.db, days, now);
  assert.deepEqual(again, {
    changes: { identity: 0, contact: 0, location: 0, sensitive: 0 },
    outbox: 0,
    serviceRequestComments: 0,
    interactionNotes: 0,
  });
  assert.equal(
    (await database.db.query(`SELECT 1 FROM audit_log WHERE action = 'retention.purged'`)).rows.length,
    1,
    'nothing purged, nothing audited',
  );

  // A year later the recent move's address is due too.
  const later = await purgeExpired(database.db, days, new Date(now.getTime() + 70 * DAY));
  assert.equal(later.changes.location, 1);
  assert.deepEqual(await dataOf(recentMove), { effectiveDate: '2026-11-01' });
});

test('the schedule runs the purge as of its clock, on one replica at a time', async () => {
  const move = await change(ADDRESS_CHANGED_V1, address, daysAgo(400));
  const logger = createLogger({ component: 'test', level: 'silent' });
  const first = startRetentionPurge({ db: database.db, days, intervalMs: 50, logger, now: () => now });
  const second = startRetentionPurge({ db: database.db, days, intervalMs: 50, logger, now: () => now });
  await eventually(async () => ((await dataOf(move))['address'] === undefined ? true : undefined), 10_000, 'the scheduled purge');
  await Promise.all([first.close(), second.close()]);
  const holders = await database.db.query<{ holder: string }>(`SELECT holder FROM leases WHERE name = 'retention-purge'`);
  assert.equal(holders.rows.length, 1);
});
