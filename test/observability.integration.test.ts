/**
 * A scripted scenario with known counts, through the whole stack (real Kafka, PostgreSQL and
 * simulator): 7 changes on three channels — 4 applied (one after a transient failure), 1
 * refused by the silo, 1 dead-lettered after bounded retries, 1 rejected by the router for an
 * unknown identifier, plus an idempotent replay. Then /metrics, /v1/kpis and /v1/systems must
 * show exactly those counts, and the time-to-applied histogram the times the store recorded.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { componentValidator } from '../gateway/api-document.ts';
import type { components } from '../gateway/generated/api.ts';
import { eventually } from '@relais/connector-kit/testing';
import { addressChange, devToken, settledAll, startStack, type Stack } from './support/stack.ts';

type Kpis = components['schemas']['Kpis'];
type Systems = components['schemas']['Systems'];

const SS = 'social-services';
const TYPE = 'fr.relais.citizen.address.changed.v1';
let stack: Stack;
const applied: string[] = [];
let started: string;
/** Attempts of the dead-lettered delivery: past the stack's patience, the silo was probed until it ran out (docs/adr/0024). */
let deadAttempts = 0;

/** Prometheus text → `name{labels}` → value (labels as printed, in registration order). */
function parseMetrics(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) values.set(match[1]!, Number(match[2]));
  }
  return values;
}

async function metrics(): Promise<Map<string, number>> {
  const response = await fetch(`${stack.relais.opsUrl}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
  return parseMetrics(await response.text());
}

async function settle(
  file: string,
  channel: string,
  headers: Record<string, string> = {},
): Promise<{ id: string; status: string; reason?: string | undefined }> {
  const posted = await stack.postChange({ ...addressChange(file), channel }, headers);
  assert.equal(posted.status, 202);
  const change = await stack.waitForStatus(posted.body.id, settledAll, 40_000);
  return { id: change.id, status: change.recipients[0]!.status, reason: change.recipients[0]!.reason };
}

before(async () => {
  stack = await startStack({ store: 'postgres' });
  started = new Date(Date.now() - 1000).toISOString();
  for (const file of ['SS-700001', 'SS-700002', 'SS-700003', 'SS-700004', 'SS-700005', 'SS-700006']) await stack.openFile(file);

  const first = await settle('SS-700001', 'web', { 'idempotency-key': 'scenario-1' });
  const replay = await stack.postChange({ ...addressChange('SS-700001'), channel: 'web' }, { 'idempotency-key': 'scenario-1' });
  assert.equal(replay.body.id, first.id, 'the replay is the same change');
  applied.push(first.id, (await settle('SS-700002', 'mobile')).id, (await settle('SS-700003', 'web')).id);

  const stranger = randomUUID();
  await stack.database!.db.query('INSERT INTO citizens (pivot_id) VALUES ($1)', [stranger]);
  // Social services holds no file on this citizen: not concerned, so neither a delivery nor a rejection (docs/adr/0026).
  const unknown = await stack.postChange({ ...addressChange('unused'), channel: 'phone', citizen: { pivotId: stranger } });
  assert.deepEqual([unknown.body.status, unknown.body.notConcerned], ['no_recipients', [{ system: SS, reason: 'no-file' }]]);

  await stack.setFault({ mode: 'refus', statut: 422, restant: 1, message: 'hors du département' });
  assert.equal((await settle('SS-700004', 'web')).status, 'rejected');
  await stack.setFault({ mode: 'erreur', statut: 503 });
  const dead = await settle('SS-700005', 'web');
  assert.equal(dead.status, 'dead_lettered');
  deadAttempts = Number(/gave up after (\d+) attempts/.exec(dead.reason ?? '')?.[1]);
  assert.ok(deadAttempts >= 3, dead.reason);
  await stack.setFault({ mode: 'erreur', statut: 500, restant: 1 });
  const transient = await settle('SS-700006', 'mobile');
  assert.equal(transient.status, 'applied');
  applied.push(transient.id);
  await stack.setFault(null);
});

after(async () => {
  await stack?.stop();
});

test('/metrics counts the scenario exactly', { timeout: 60_000 }, async () => {
  const m = await eventually(
    async () => {
      const values = await metrics();
      return values.get(`relais_receipts_total{system="${SS}",status="applied"}`) === 4 &&
        values.get(
          `relais_consumer_lag_messages{group="${stack.prefix}-sink-${SS}",topic="${stack.prefix}.delivery.${SS}",partition="0"}`,
        ) === 0
        ? values
        : undefined;
    },
    30_000,
    'the last receipts and commits',
  );
  const expected: Record<string, number> = {
    [`relais_changes_accepted_total{type="${TYPE}",channel="web"}`]: 4,
    [`relais_changes_accepted_total{type="${TYPE}",channel="mobile"}`]: 2,
    [`relais_changes_accepted_total{type="${TYPE}",channel="phone"}`]: 1,
    [`relais_router_deliveries_total{system="${SS}",outcome="delivered"}`]: 6,
    [`relais_deliveries_total{system="${SS}",outcome="applied"}`]: 4,
    [`relais_deliveries_total{system="${SS}",outcome="rejected"}`]: 1,
    [`relais_deliveries_total{system="${SS}",outcome="dead_lettered"}`]: 1,
    // Each failed attempt but the last of the dead letter, and the transient 500's one.
    [`relais_delivery_retries_total{system="${SS}",code="SILO_UNAVAILABLE"}`]: deadAttempts - 1 + 1,
    [`relais_dead_letters_total{system="${SS}"}`]: 1,
    [`relais_receipts_total{system="${SS}",status="delivered"}`]: 6,
    [`relais_receipts_total{system="${SS}",status="rejected"}`]: 1,
    [`relais_receipts_total{system="${SS}",status="dead_lettered"}`]: 1,
    [`relais_time_to_applied_seconds_count{system="${SS}"}`]: 4,
    [`relais_sink_decision_seconds_count{system="${SS}",outcome="applied"}`]: 4,
    // The 7 changes, and the notice of each of the 6 with a recipient once it settled everywhere
    // (privacy/settled-notice.ts): the gateway publishes both through the outbox.
    relais_outbox_published_total: 13,
    relais_outbox_backlog: 0,
    relais_outbox_oldest_age_seconds: 0,
    relais_kafka_up: 1,
    [`relais_consumer_group_members{group="${stack.prefix}-router"}`]: 1,
    [`relais_consumer_group_members{group="${stack.prefix}-sink-${SS}"}`]: 1,
  };
  for (const [series, value] of Object.entries(expected)) assert.equal(m.get(series), value, series);
  assert.equal(
    m.get(`relais_router_deliveries_total{system="${SS}",outcome="rejected"}`) ?? 0,
    0,
    'no rejection for a system not concerned',
  );
  assert.ok((m.get('relais_process_resident_memory_bytes') ?? 0) > 0, 'process metrics too');

  // The histogram holds the times the store recorded: acceptance → first applied receipt.
  const times = await stack.database!.db.query<{ s: number }>(
    `SELECT extract(epoch FROM cr.applied_at - c.accepted_at)::float8 AS s FROM change_recipients cr JOIN changes c ON c.id = cr.change_id WHERE cr.applied_at IS NOT NULL`,
  );
  assert.equal(times.rows.length, 4);
  const sum = times.rows.reduce((total, r) => total + r.s, 0);
  assert.ok(
    Math.abs((m.get(`relais_time_to_applied_seconds_sum{system="${SS}"}`) ?? -1) - sum) < 0.005,
    `histogram sum ${m.get(`relais_time_to_applied_seconds_sum{system="${SS}"}`)} = store ${sum}`,
  );
});

test('/v1/kpis reports the same scenario', async () => {
  const response = await fetch(`${stack.relais.gatewayUrl}/v1/kpis?from=${encodeURIComponent(started)}`, {
    headers: { authorization: `Bearer ${devToken}` },
  });
  const kpis = (await response.json()) as Kpis;
  const validate = componentValidator('Kpis');
  assert.ok(validate(kpis), JSON.stringify(validate.errors));
  const { total } = kpis;
  assert.deepEqual(
    [total.changes, total.deliveries, total.applied, total.rejected, total.deadLettered, total.inProgress, total.contactsAvoided],
    [7, 6, 4, 1, 1, 0, 4],
  );
  assert.equal(total.successRate, 4 / 6);
  const byChannel = Object.fromEntries(
    kpis.byChannel.map((c) => [c.channel ?? c.originSystem ?? '', [c.changes, c.applied, c.rejected, c.deadLettered]]),
  );
  assert.deepEqual(byChannel, { mobile: [2, 2, 0, 0], phone: [1, 0, 0, 0], web: [4, 2, 1, 1] });
  const median = await stack.database!.db.query<{ m: number }>(
    `SELECT (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM cr.applied_at - c.accepted_at)))::float8 AS m
       FROM change_recipients cr JOIN changes c ON c.id = cr.change_id WHERE c.id = ANY($1::uuid[])`,
    [applied],
  );
  assert.equal(kpis.bySystem[0]?.medianSecondsToApply, Math.round(median.rows[0]!.m * 1000) / 1000);
});

test('/v1/systems shows the subscriptions, last success, lag and dead letters', async () => {
  const response = await fetch(`${stack.relais.gatewayUrl}/v1/systems`, { headers: { authorization: `Bearer ${devToken}` } });
  assert.equal(response.status, 200);
  const view = (await response.json()) as Systems;
  const validate = componentValidator('Systems');
  assert.ok(validate(view), JSON.stringify(validate.errors));
  assert.equal(view.kafka, 'ok');
  const system = view.systems.find((s) => s.name === SS)!;
  assert.deepEqual(
    system.subscriptions.map((s) => [s.route, s.basis]),
    [
      ['address-to-social-services', 'public-task'],
      ['death-to-social-services', 'legal-obligation'],
    ],
  );
  assert.ok(system.lastSuccessAt && Date.parse(system.lastSuccessAt) > Date.parse(started));
  assert.deepEqual(
    [system.applied, system.deadLetteredRecorded, system.lag, system.deadLettersInTopic, system.connectorInstances],
    [4, 1, 0, 1, 1],
  );
});
