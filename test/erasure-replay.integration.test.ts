/**
 * Erasure that survives replay (issue 16, item 7; docs/privacy.md "Encryption and erasure"), on
 * real Kafka and PostgreSQL: two citizens move — Jeanne (social services and waste collection)
 * and Paul (social services) — and both moves are applied. Their personal data is sealed
 * everywhere it rests: on relais.events, on each delivery topic and in `changes.data`. The dpo
 * erases Jeanne. Then everything is replayed from offset 0 with fresh consumer groups and fresh
 * processes' keys: a second router over relais.events, and the real social-services and
 * waste-management sinks over every delivery topic. Nothing of Jeanne reaches a connector or a
 * log, her messages are skipped and counted (never dead-lettered: the dead-letter topics do not
 * grow), nothing crashes; Paul's replayed deliveries open as before, and his next move is applied.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Sink } from '@relais/connector-kit';
import { startSinkRuntime } from '@relais/connector-kit/runtime';
import { eventually, recordTopics, testBus } from '@relais/connector-kit/testing';
import { loadConnectors } from '../connectors/loader.ts';
import type { Delivery } from '../core/envelopes.ts';
import type { Bus, IncomingMessage } from '../core/bus/types.ts';
import { signingKeyOf } from '../core/keys.ts';
import { createRuntime, type Runtime } from '../core/runtime.ts';
import { CitizenKeys } from '../privacy/citizen-keys.ts';
import { readMasterKey } from '../privacy/master-key.ts';
import { openStoredData } from '../privacy/sealed-data.ts';
import { ENCRYPTION_HEADER } from '../privacy/sealed-messages.ts';
import { startRouter } from '../router/router.ts';
import { exportEvidence } from '../proof/evidence.ts';
import { householdOf } from '../silos/waste-management/desk.ts';
import { addressChange, devToken, settledAll, startStack, type ChangeView, type Stack } from './support/stack.ts';

const SYSTEMS = ['social-services', 'waste-management'];
const JEANNE_STREET = 'impasse des Oubliés';
const PAUL_STREET = 'allée des Gardés';
/** What of Jeanne's move must never be readable again: her street and her files' numbers. */
const jeanneTraces = /Oubliés|SS-000123|USG-000123/;

const applied = (change: ChangeView): boolean => settledAll(change) && change.recipients.every((r) => r.status === 'applied');

describe('erasure survives a replay of every topic from offset 0', () => {
  let stack: Stack;
  let bus: Bus;
  const logs: string[] = [];
  let jeanne: { id: string; pivotId: string };
  let paul: { id: string; pivotId: string };

  before(async () => {
    stack = await startStack({
      store: 'postgres',
      flows: ['social-services.yaml', 'waste-management.yaml'],
      logs,
      env: { LOG_LEVEL: 'debug' },
    });
    bus = testBus();
  });
  after(async () => {
    await bus.close();
    await stack.stop();
  });

  const topicsOf = (prefix: string) => ({
    events: `${prefix}.events`,
    deliveries: SYSTEMS.map((s) => `${prefix}.delivery.${s}`),
    deadLetters: [`${prefix}.dlq.router`, ...SYSTEMS.map((s) => `${prefix}.dlq.${s}`)],
  });

  test('both moves applied; personal data sealed on every topic and in the store', async () => {
    const posted = await stack.postChange(addressChange('SS-000123', JEANNE_STREET));
    const postedPaul = await stack.postChange(addressChange('SS-000456', PAUL_STREET));
    assert.equal(posted.status, 202);
    assert.equal(postedPaul.status, 202);
    jeanne = { id: posted.body.id, pivotId: posted.body.pivotId };
    paul = { id: postedPaul.body.id, pivotId: postedPaul.body.pivotId };
    const change = await stack.waitForStatus(jeanne.id, applied, 60_000);
    assert.deepEqual(change.recipients.map((r) => r.system).sort(), SYSTEMS);
    await stack.waitForStatus(paul.id, applied, 60_000);
    assert.equal((await stack.file('SS-000123')).adresse['libelleVoie'], JEANNE_STREET);

    const { events, deliveries } = topicsOf(stack.prefix);
    const recorder = await recordTopics(bus, [events, ...deliveries]);
    try {
      // Jeanne: one event, two deliveries; Paul: one event, one delivery.
      await eventually(async () => (recorder.messages.length >= 5 ? true : undefined), 20_000, 'the events and deliveries');
      for (const message of recorder.messages) {
        assert.equal(message.headers[ENCRYPTION_HEADER], 'aes-256-gcm', `${message.topic} sealed`);
        assert.doesNotMatch(message.value.toString('utf8'), /Oubliés|Gardés|SS-000|USG-000/, `${message.topic}: no personal data in clear`);
      }
    } finally {
      await recorder.close();
    }
    const stored = await stack.relais.db.query<{ data: string }>('SELECT data::text AS data FROM changes WHERE id = ANY($1::uuid[])', [
      [jeanne.id, paul.id],
    ]);
    assert.equal(stored.rows.length, 2);
    for (const row of stored.rows) assert.doesNotMatch(row.data, /Oubliés|Gardés/, 'changes.data sealed');
  });

  test('the dpo erases Jeanne; her change reads without personal data', async () => {
    const response = await fetch(`${stack.relais.gatewayUrl}/v1/citizens/${jeanne.pivotId}/erasure`, {
      method: 'POST',
      headers: { authorization: `Bearer ${devToken}` },
    });
    assert.equal(response.status, 200);
    const erased = (await response.json()) as { keysDestroyed: number };
    assert.equal(erased.keysDestroyed, 1);
    const row = (await stack.relais.db.query<{ data: unknown }>('SELECT data FROM changes WHERE id = $1', [jeanne.id])).rows[0]!;
    const keys = new CitizenKeys(readMasterKey(join(stack.env['RELAIS_DATA_DIR']!, 'master.key')));
    assert.deepEqual(await openStoredData(keys, stack.relais.db, { id: jeanne.id, data: row.data }), {
      effectiveDate: '2026-11-01',
      relaisErased: true,
    });
    // The evidence bundle (relais changes evidence) shows the same, and Paul's still shows his address.
    const auditKey = signingKeyOf({ dataDir: stack.env['RELAIS_DATA_DIR']! }, 'audit', 'auditKey');
    const open = (record: { id: string; data: unknown }) => openStoredData(keys, stack.relais.db, record);
    const evidence = await exportEvidence(stack.relais.db, jeanne.id, auditKey, open);
    assert.deepEqual(evidence.change.data, { effectiveDate: '2026-11-01', relaisErased: true });
    const paulEvidence = await exportEvidence(stack.relais.db, paul.id, auditKey, open);
    assert.equal((paulEvidence.change.data as { address: { streetName: string } }).address.streetName, PAUL_STREET);
    const audit = await stack.relais.db.query("SELECT 1 FROM audit_log WHERE action = 'citizen.erased' AND pivot_id = $1", [
      jeanne.pivotId,
    ]);
    assert.equal(audit.rows.length, 1);
  });

  test('replayed from offset 0: nothing of Jeanne reaches a connector or a log, no dead letter; Paul flows', async () => {
    const { events, deliveries, deadLetters } = topicsOf(stack.prefix);
    const endOf = async (topics: string[]) => (await bus.topicOffsets(topics)).reduce((sum, t) => sum + Number(t.end), 0);
    const deadLettersBefore = await endOf(deadLetters);
    const replayLogs: string[] = [];
    const connectors = await loadConnectors(stack.env);
    const runtime: Runtime = await createRuntime({
      component: 'replay',
      env: stack.env,
      connectors: connectors.definitions,
      db: stack.relais.db,
      logDestination: { write: (line: string) => void replayLogs.push(line) },
    });
    // A fresh process: nothing cached, the master key from the quick start's file.
    const keys = new CitizenKeys(readMasterKey(join(stack.env['RELAIS_DATA_DIR']!, 'master.key')));
    const erased = new Map<string, number>();
    const count = (consumer: string) => (n: number) => erased.set(consumer, (erased.get(consumer) ?? 0) + n);
    const opened = new Map<string, number>();
    const handed: Delivery[] = [];
    const stops: (() => Promise<void>)[] = [];
    try {
      const router = await startRouter({
        bus: runtime.bus,
        db: runtime.db,
        flows: runtime.flows,
        topics: runtime.topics,
        groupId: `replay-router-${randomUUID()}`,
        logger: runtime.logger,
        receiptKey: signingKeyOf(runtime.config, 'router', 'receiptKey'),
        citizenKeys: keys,
        erased: count('router'),
      });
      stops.push(() => router.stop());
      for (const system of SYSTEMS) {
        const definition = connectors.get(runtime.flows().systems.get(system)!.connector)!;
        const sink: Sink = await definition.createSink!({
          system,
          settings: runtime.connectorSettings.get(definition.kind)!,
          logger: runtime.logger.child({ system }),
        });
        // What the runtime hands the real connector, on its way to the real silo.
        const apply = sink.apply.bind(sink);
        sink.apply = (delivery, context) => (handed.push(delivery), apply(delivery, context));
        const running = await startSinkRuntime({
          system,
          sink,
          bus: runtime.bus,
          db: runtime.db,
          topics: runtime.topics,
          groupId: `replay-sink-${system}-${randomUUID()}`,
          retry: { maxAttempts: 3, baseMs: 50, maxMs: 200 },
          timeoutMs: 2000,
          logger: runtime.logger.child({ system }),
          receiptKey: signingKeyOf(runtime.config, system, 'receiptKey'),
          citizenKeys: keys,
          erased: count(system),
          // A replayed delivery already applied is recognised by its id once opened: Paul's.
          metrics: { skippedDuplicate: (s) => void opened.set(s, (opened.get(s) ?? 0) + 1) },
        });
        stops.push(() => running.stop());
      }
      await Promise.all([router.ready]);
      // Jeanne's event skipped by the router; her two original deliveries skipped by their sinks.
      // Paul's event routed again, and his original and re-routed deliveries recognised.
      await eventually(
        async () =>
          (erased.get('router') ?? 0) >= 1 &&
          (erased.get('social-services') ?? 0) >= 1 &&
          (erased.get('waste-management') ?? 0) >= 1 &&
          (opened.get('social-services') ?? 0) >= 2
            ? true
            : undefined,
        60_000,
        'the replay to reach the end of every topic',
      );
      assert.deepEqual(
        handed.filter((d) => d.pivotId === jeanne.pivotId),
        [],
        'nothing of Jeanne handed to a connector',
      );
      assert.equal(await endOf(deadLetters), deadLettersBefore, 'no dead letter');
      // The replay router published Paul's delivery again, and no new delivery for Jeanne.
      const recorder = await recordTopics(bus, deliveries);
      try {
        await eventually(async () => (recorder.messages.length >= 4 ? true : undefined), 20_000, 'the deliveries');
        const about = (pivotId: string) => recorder.messages.filter((m: IncomingMessage) => m.key === pivotId);
        assert.equal(about(jeanne.pivotId).length, 2, 'only her two original deliveries, still sealed');
        assert.ok(about(paul.pivotId).length >= 2, "Paul's delivery routed again");
      } finally {
        await recorder.close();
      }
      // The two changes and their two notices once settled (privacy/settled-notice.ts): nothing republished.
      assert.equal(await endOf([events]), 4);
    } finally {
      for (const stop of stops.reverse()) await stop();
      await runtime.close();
    }
    for (const line of [...logs, ...replayLogs]) assert.doesNotMatch(line, jeanneTraces, `a log line shows Jeanne: ${line}`);
    assert.ok(replayLogs.length + logs.length > 0, 'the logs were captured');

    // The silos were not touched again for Jeanne: her file and household keep the address they had.
    assert.equal((await stack.file('SS-000123')).adresse['libelleVoie'], JEANNE_STREET);
    const household = await householdOf(stack.silos.waste.sql, 'USG-000123');
    assert.equal(household?.adresse.libelle_voie, JEANNE_STREET);

    // Paul is unaffected: his next move is applied.
    const next = await stack.postChange(addressChange('SS-000456', 'rue du Lendemain'));
    assert.equal(next.status, 202);
    await stack.waitForStatus(next.body.id, applied, 60_000);
    assert.equal((await stack.file('SS-000456')).adresse['libelleVoie'], 'rue du Lendemain');
  });
});
