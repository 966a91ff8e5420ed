/**
 * KPIs against real PostgreSQL with known data and known timings: changes accepted at fixed
 * times, receipts applied through the gateway's own receipt path (in a scrambled order, as
 * they arrive from independent producers), then GET /v1/kpis in JSON and CSV.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Receipt } from '../core/envelopes.ts';
import { linkIdentifier } from '../identity/identity-store.ts';
import { createLogger } from '../core/logger.ts';
import { loadFlows } from '../core/flows/flows.ts';
import { topicNames } from '../core/topics.ts';
import { createTestDatabase, type TestDatabase } from '@relais/connector-kit/testing';
import { listen } from '../test/support/http.ts';
import { componentValidator } from './api-document.ts';
import { createApp } from './app.ts';
import { Authenticator, devCredential, sha256Hex } from './auth.ts';
import { loadRights } from './rights/rights.ts';
import { applyReceipts } from './changes/receipts.ts';
import type { components } from './generated/api.ts';

type Kpis = components['schemas']['Kpis'];

const flows = loadFlows(join(dirname(fileURLToPath(import.meta.url)), '../flows'));
const rights = loadRights(join(dirname(fileURLToPath(import.meta.url)), '../flows/rights.yaml'), flows);
const token = 'kpi-token';
const pivotId = '0b7e5c1e-3a52-4d1b-8f0e-6c2d9a4e7f10';
const T0 = Date.parse('2026-10-01T08:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

let database: TestDatabase;
let server: { url: string; close(): Promise<void> };

/** A change accepted at T0 + `offset` s, routed to `systems` (their rows start `pending`, as the gateway writes them). */
async function change(n: number, channel: string | null, systems: string[], offset = 0, origin: string | null = null): Promise<void> {
  await database.db.query(
    `INSERT INTO changes (id, type, pivot_id, channel, caller, origin_system, data, request_hash, accepted_at)
     VALUES ($1, 'fr.relais.citizen.address.changed.v1', $2, $3, 'test', $5, '{}', 'h', $4)`,
    [id(n), pivotId, channel, at(offset), origin],
  );
  for (const system of systems) {
    await database.db.query(`INSERT INTO change_recipients (change_id, system, status, status_at) VALUES ($1, $2, 'pending', $3)`, [
      id(n),
      system,
      at(offset),
    ]);
  }
}

const receipt = (n: number, system: string, status: Receipt['status'], seconds: number): Receipt => ({
  eventId: id(n),
  system,
  status,
  at: at(seconds),
  ...(status === 'rejected' || status === 'dead_lettered' ? { reason: 'why' } : {}),
});

/**
 * Ten days later, three service requests to waste-management: one resolved after an hour, one
 * after ten minutes, one still open. The first was also notified by email (a notification
 * system: informing the citizen is not a contact avoided).
 */
const T1 = 10 * 86_400;
async function serviceRequests(): Promise<void> {
  const request = async (n: number, channel: string, history: [string, number][]) => {
    await change(n, channel, n === 10 ? ['waste-management', 'email'] : [], T1);
    const status = history.at(-1)?.[0] ?? 'submitted';
    await database.db.query(
      `INSERT INTO service_requests (id, pivot_id, channel, category, competent_service, status, status_at, submitted_at)
       VALUES ($1, $2, $3, 'missed-collection', 'waste-management', $4, $5, $6)`,
      [id(n), pivotId, channel, status, at(T1 + (history.at(-1)?.[1] ?? 0)), at(T1)],
    );
    for (const [i, [state, after]] of history.entries()) {
      await database.db.query(
        `INSERT INTO service_request_history (request_id, event_id, event_type, status, system, at) VALUES ($1, $2, 'fr.relais.service-request.updated.v1', $3, 'waste-management', $4)`,
        [id(n), id(1000 + n * 10 + i), state, at(T1 + after)],
      );
    }
  };
  await request(10, 'web', [
    ['acknowledged', 60],
    ['resolved', 3600],
  ]);
  await request(11, 'phone', [['acknowledged', 30]]);
  await request(12, 'web', [['resolved', 600]]);
  await applyReceipts(database.db, [receipt(10, 'waste-management', 'applied', T1 + 1), receipt(10, 'email', 'applied', T1 + 2)]);
}

before(async () => {
  database = await createTestDatabase('postgres');
  await linkIdentifier(database.db, pivotId, 'social-services', 'SS-1');
  const SS = 'social-services';
  const TAX = 'tax';
  await change(1, 'web', [SS, TAX]);
  await change(2, 'web', [SS, TAX]);
  await change(3, 'web', [SS]);
  await change(4, 'web', [SS, TAX]);
  await change(5, 'mobile', [SS]);
  await change(6, 'mobile', [SS, TAX]);
  await change(7, 'desk', []);
  await change(8, 'web', [SS], -86_400); // the day before: outside the period
  await change(9, null, [SS], 0, 'civil-registry'); // started inside a silo (a source connector): no channel
  // Receipts in the order independent producers may deliver them: a connector's `applied`
  // can overtake the router's `delivered`; a dead letter replayed later ends `applied`.
  const firstBatch = await applyReceipts(database.db, [
    receipt(1, SS, 'applied', 1),
    receipt(1, SS, 'delivered', 0.5),
    receipt(1, TAX, 'delivered', 0.5),
    receipt(1, TAX, 'applied', 3),
    receipt(2, SS, 'applied', 2),
    receipt(2, TAX, 'rejected', 2.5),
    receipt(3, SS, 'dead_lettered', 6),
    receipt(4, SS, 'delivered', 0.2),
    receipt(4, TAX, 'applied', 4),
    receipt(5, SS, 'applied', 5),
    receipt(6, SS, 'rejected', 1),
    receipt(6, TAX, 'dead_lettered', 7),
    receipt(8, SS, 'applied', -86_399),
    receipt(9, SS, 'applied', 2),
  ]);
  const replay = await applyReceipts(database.db, [receipt(3, SS, 'applied', 10), receipt(1, SS, 'applied', 20)]);
  // The receipt path reports each system's FIRST applied, with its time since acceptance.
  assert.deepEqual(
    firstBatch.map((f) => [f.system, f.seconds]),
    [
      [SS, 1],
      [TAX, 3],
      [SS, 2],
      [TAX, 4],
      [SS, 5],
      [SS, 1],
      [SS, 2],
    ],
  );
  assert.deepEqual(
    replay.map((f) => [f.system, f.seconds]),
    [[SS, 10]],
    'a duplicate applied is not a first one',
  );
  await serviceRequests();
  const auth = new Authenticator([devCredential(token), { name: 'reader', tokenSha256: sha256Hex('reader'), scopes: ['changes:read'] }]);
  server = await listen(
    createApp({
      db: database.db,
      flows: () => flows,
      rights,
      topics: topicNames('relais'),
      auth,
      logger: createLogger({ component: 'test', level: 'silent' }),
      maxBodyBytes: 4096,
    }),
  );
});

after(async () => {
  await server.close();
  await database.drop();
});

const period = `from=${encodeURIComponent(at(-3600))}&to=${encodeURIComponent(at(3600))}`;
const get = (query: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/v1/kpis?${query}`, { headers: { authorization: `Bearer ${token}`, ...headers } });

test('KPIs by channel, by system and in total match the known scenario', async () => {
  const response = await get(period);
  assert.equal(response.status, 200);
  const kpis = (await response.json()) as Kpis;
  const validate = componentValidator('Kpis');
  assert.ok(validate(kpis), JSON.stringify(validate.errors));

  assert.deepEqual(kpis.total, {
    changes: 8,
    deliveries: 11,
    applied: 7,
    rejected: 2,
    superseded: 0,
    deadLettered: 1,
    inProgress: 1,
    successRate: 0.7,
    rejectionRate: 0.2,
    deadLetterRate: 0.1,
    medianSecondsToApply: 3,
    p95SecondsToApply: 8.5,
    contactsAvoided: 7,
    contactsAvoidedPerChange: 0.875,
  });
  const channel = (name: string) => kpis.byChannel.find((c) => c.channel === name);
  assert.deepEqual(channel('web'), {
    channel: 'web',
    changes: 4,
    deliveries: 7,
    applied: 5,
    rejected: 1,
    superseded: 0,
    deadLettered: 0,
    inProgress: 1,
    successRate: 5 / 6,
    rejectionRate: 1 / 6,
    deadLetterRate: 0,
    medianSecondsToApply: 3,
    p95SecondsToApply: 8.8,
    contactsAvoided: 5,
    contactsAvoidedPerChange: 1.25,
  });
  assert.deepEqual(channel('mobile'), {
    channel: 'mobile',
    changes: 2,
    deliveries: 3,
    applied: 1,
    rejected: 1,
    superseded: 0,
    deadLettered: 1,
    inProgress: 0,
    successRate: 1 / 3,
    rejectionRate: 1 / 3,
    deadLetterRate: 1 / 3,
    medianSecondsToApply: 5,
    p95SecondsToApply: 5,
    contactsAvoided: 1,
    contactsAvoidedPerChange: 0.5,
  });
  assert.deepEqual(channel('desk'), {
    channel: 'desk',
    changes: 1,
    deliveries: 0,
    applied: 0,
    rejected: 0,
    superseded: 0,
    deadLettered: 0,
    inProgress: 0,
    successRate: null,
    rejectionRate: null,
    deadLetterRate: null,
    medianSecondsToApply: null,
    p95SecondsToApply: null,
    contactsAvoided: 0,
    contactsAvoidedPerChange: 0,
  });
  assert.deepEqual(
    kpis.byChannel.find((c) => c.channel === null),
    {
      channel: null,
      originSystem: 'civil-registry',
      changes: 1,
      deliveries: 1,
      applied: 1,
      rejected: 0,
      superseded: 0,
      deadLettered: 0,
      inProgress: 0,
      successRate: 1,
      rejectionRate: 0,
      deadLetterRate: 0,
      medianSecondsToApply: 2,
      p95SecondsToApply: 2,
      contactsAvoided: 1,
      contactsAvoidedPerChange: 1,
    },
  );
  assert.deepEqual(kpis.bySystem, [
    {
      system: 'social-services',
      deliveries: 7,
      applied: 5,
      rejected: 1,
      superseded: 0,
      deadLettered: 0,
      inProgress: 1,
      successRate: 5 / 6,
      rejectionRate: 1 / 6,
      deadLetterRate: 0,
      medianSecondsToApply: 2,
      p95SecondsToApply: 9,
    },
    {
      system: 'tax',
      deliveries: 4,
      applied: 2,
      rejected: 1,
      superseded: 0,
      deadLettered: 1,
      inProgress: 0,
      successRate: 0.5,
      rejectionRate: 0.25,
      deadLetterRate: 0.25,
      medianSecondsToApply: 3.5,
      p95SecondsToApply: 3.95,
    },
  ]);
});

test('the CSV export carries the same figures, by ?format=csv or Accept: text/csv', async () => {
  for (const [query, headers] of [
    [`${period}&format=csv`, {}],
    [period, { accept: 'text/csv' }],
  ] as const) {
    const response = await get(query, headers);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(response.headers.get('content-disposition') ?? '', /attachment; filename="?relais-kpis-2026-10-01-2026-10-01\.csv"?/);
    const [header, ...rows] = (await response.text()).trimEnd().split('\r\n');
    const columns = header!.split(',');
    const record = (dimension: string, key: string) => {
      const row = rows.map((r) => r.split(',')).find((cells) => cells[0] === dimension && cells[1] === key);
      assert.ok(row, `a ${dimension} row for ${key}`);
      return Object.fromEntries(columns.map((c, i) => [c, row[i]]));
    };
    assert.equal(rows.length, 1 + 3 + 1 + 2, 'total, three channels, one origin system, two systems');
    assert.deepEqual(
      [record('total', 'all')['changes'], record('total', 'all')['median_seconds_to_apply'], record('total', 'all')['contacts_avoided']],
      ['8', '3', '7'],
    );
    assert.equal(record('origin', 'civil-registry')['applied'], '1');
    assert.equal(record('channel', 'desk')['success_rate'], '', 'no settled delivery: empty, not 0');
    assert.equal(record('system', 'tax')['dead_letter_rate'], '0.25');
  }
});

test('the period is checked, the default is the last 30 days, and the scope is required', async () => {
  const bad = await get('from=yesterday');
  assert.equal(bad.status, 400);
  assert.equal(((await bad.json()) as { code: string }).code, 'invalid-parameter');
  assert.equal((await get(`from=${at(10)}&to=${at(0)}`)).status, 400);
  assert.equal((await get('format=xml')).status, 400);
  const recent = (await (await get('')).json()) as Kpis;
  assert.equal(recent.total.changes, 0, 'nothing was accepted in the last 30 days');
  const forbidden = await fetch(`${server.url}/v1/kpis`, { headers: { authorization: 'Bearer reader' } });
  assert.equal(forbidden.status, 403);
});

test('service requests: submitted, resolved, open and time to resolve, by channel and competent service; notifications are not contacts avoided', async () => {
  const response = await get(`from=${encodeURIComponent(at(T1 - 3600))}&to=${encodeURIComponent(at(T1 + 86_400))}`);
  const kpis = (await response.json()) as Kpis;
  const validate = componentValidator('Kpis');
  assert.ok(validate(kpis), JSON.stringify(validate.errors));
  assert.deepEqual(kpis.serviceRequests, [
    { dimension: 'total', key: 'all', submitted: 3, resolved: 2, open: 1, medianSecondsToResolve: 2100, p95SecondsToResolve: 3450 },
    { dimension: 'channel', key: 'phone', submitted: 1, resolved: 0, open: 1, medianSecondsToResolve: null, p95SecondsToResolve: null },
    { dimension: 'channel', key: 'web', submitted: 2, resolved: 2, open: 0, medianSecondsToResolve: 2100, p95SecondsToResolve: 3450 },
    {
      dimension: 'system',
      key: 'waste-management',
      submitted: 3,
      resolved: 2,
      open: 1,
      medianSecondsToResolve: 2100,
      p95SecondsToResolve: 3450,
    },
  ]);
  assert.deepEqual([kpis.total.changes, kpis.total.deliveries, kpis.total.applied, kpis.total.contactsAvoided], [3, 2, 2, 1]);
  const csv = await (await get(`from=${encodeURIComponent(at(T1 - 3600))}&to=${encodeURIComponent(at(T1 + 86_400))}&format=csv`)).text();
  assert.match(csv, /\r\nservice_requests_system,waste-management(,){15}3,2,1,2100,3450\r\n/);
});
