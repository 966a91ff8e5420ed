/**
 * The source runtime with a scripted source, on the real broker and a real PostgreSQL store:
 * events are published with derived ids and the origin set, then the checkpoint is saved; the
 * change is recorded like a posted one; invalid events and unmapped records are dead-lettered
 * (<prefix>.dlq.source.<system>) without blocking; failing
 * polls back off and resume from the same checkpoint; stop is prompt.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { decodeCanonical } from '../../../../core/envelopes.ts';
import { RetryableError } from '../../../../core/errors.ts';
import { sourceEventId, uuidV5 } from '../../../../core/ids.ts';
import { createLogger } from '../../../../core/logger.ts';
import { parseFlows } from '../../../../core/flows/flows.ts';
import { topicNames } from '../../../../core/topics.ts';
import { createTestDatabase, type TestDatabase } from '../testing/databases.ts';
import { eventually } from '../testing/eventually.ts';
import { ensureTestTopics, recordTopics, testBus, uniquePrefix, type Recorder } from '../testing/kafka.ts';
import { deathRecord, listSource } from '../../../../test/support/list-source.ts';
import { readSourceState } from './checkpoints.ts';
import { parseSourceDeadLetter } from './source-dead-letter-message.ts';
import { asCheckpoint, type PushSourceContext, type Source } from '../contract.ts';
import { startPushSourceRuntime, startSourceRuntime, type RunningSource } from './source-runtime.ts';

const prefix = uniquePrefix('src');
const topics = topicNames(prefix);
const bus = testBus();
const flows = parseFlows([
  {
    file: 'flows/source-test.yaml',
    text: `
systems:
  registry: { connector: registry, firstSightings: allow }
  registry-invalid: { connector: registry, firstSightings: allow }
  registry-unmapped: { connector: registry, firstSightings: allow }
  registry-invalid-crash: { connector: registry, firstSightings: allow }
  webhook-invalid: { connector: registry, firstSightings: allow }
  registry-flaky: { connector: registry, firstSightings: allow }
  registry-hang: { connector: registry, firstSightings: allow }
  registry-replay: { connector: registry, firstSightings: allow }
  services: { connector: services }
routes:
  - id: death
    event: fr.relais.citizen.death.registered.v1
    basis: { kind: legal-obligation, reference: some law }
    to:
      - { system: services, audience: residents, fields: [dateOfDeath] }
      - { system: registry, fields: [dateOfDeath] }
`,
  },
]);
let database: TestDatabase;
let events: Recorder;
const logLines: string[] = [];
const logger = createLogger({
  component: 'test',
  level: 'info',
  destination: new Writable({ write: (chunk: Buffer, _e, done) => (logLines.push(chunk.toString()), done()) }),
});

before(async () => {
  database = await createTestDatabase('postgres');
  await ensureTestTopics(bus, prefix, []);
  events = await recordTopics(bus, [topics.events]);
});

after(async () => {
  await events.close();
  await bus.close();
  await database.drop();
});

function run(system: string, source: Source, extra: Partial<Parameters<typeof startSourceRuntime>[0]> = {}): RunningSource {
  return startSourceRuntime({
    system,
    source,
    bus,
    db: database.db,
    topics,
    flows: () => flows,
    logger,
    pollMs: 50,
    timeoutMs: 2000,
    backoff: { baseMs: 20, maxMs: 100 },
    ...extra,
  });
}

const publishedBy = (system: string) => events.messages.filter((m) => m.headers['ce_source'] === `/connectors/${system}`);

test('a v5 UUID matches the RFC 9562 test vector', () => {
  assert.equal(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'), '2ed6657d-e927-568b-95e1-2665a8aea6a2');
});

test('events are published with derived ids and the origin set, the checkpoint is saved after, and the change reads like a posted one', async () => {
  const system = 'registry';
  const source = listSource(
    [1, 2, 3, 4, 5].map((n) => deathRecord(n)),
    2,
  );
  const runner = run(system, source);
  await runner.ready;
  const mine = await eventually(async () => (publishedBy(system).length >= 5 ? publishedBy(system) : undefined), 15_000, 'five events');
  await eventually(async () => ((await readSourceState(database.db, system)).checkpoint === '5' ? true : undefined), 5000, 'checkpoint 5');
  await runner.stop();

  const events = mine.map((m) => decodeCanonical(m));
  // Different citizens, different partitions: compare the sets (order holds per citizen only).
  assert.deepEqual(events.map((e) => e.id).sort(), [1, 2, 3, 4, 5].map((n) => sourceEventId(system, `act-${n}`)).sort());
  assert.ok(events.every((e) => e.origin === system && e.source === '/connectors/registry' && e.time === '2026-11-20T10:00:00Z'));
  assert.ok(events.every((e) => e.dataschema?.endsWith('fr.relais.citizen.death.registered.v1.json')));
  assert.ok(
    mine.every((m, i) => m.key === events[i]!.pivotId),
    'keyed by the pivot id',
  );

  const first = events.find((e) => e.id === sourceEventId(system, 'act-1'))!;
  const pivot = await database.db.query<{ pivot_id: string }>(
    "SELECT pivot_id FROM citizen_identifiers WHERE system = 'registry' AND local_id = 'CR-1'",
  );
  assert.equal(pivot.rows[0]?.pivot_id, first.pivotId, 'the local id resolved to a pivot id through the identity map');
  const change = await database.db.query<{ origin_system: string; channel: string | null; caller: string }>(
    'SELECT origin_system, channel, caller FROM changes WHERE id = $1',
    [first.id],
  );
  assert.deepEqual(change.rows[0], { origin_system: 'registry', channel: null, caller: 'connector:registry' });
  const recipients = await database.db.query<{ system: string; status: string }>(
    'SELECT system, status FROM change_recipients WHERE change_id = $1',
    [first.id],
  );
  assert.deepEqual(recipients.rows, [{ system: 'services', status: 'pending' }], 'the origin is not a recipient (no echo)');
  assert.equal(runner.health().state, 'stopped');
  assert.equal(runner.health().published, 5);
});

test('an invalid event is dead-lettered with its cause, logged without its content; the others pass and the checkpoint moves on', async () => {
  const system = 'registry-invalid';
  await ensureTestTopics(bus, prefix, [system]);
  const deadLetters = await recordTopics(bus, [topics.sourceDlq(system)]);
  const broken = {
    ...deathRecord(2, 'CR-SECRET-LOCAL'),
    data: { dateOfDeath: 'Jean Dupont', placeOfDeath: { communeName: 'Villeurbanne', country: 'FR' } },
  };
  const source = listSource([deathRecord(1), broken, deathRecord(3)], 5);
  const runner = run(system, source);
  await eventually(
    async () => ((await readSourceState(database.db, system)).checkpoint === '3' ? true : undefined),
    15_000,
    'checkpoint 3',
  );
  await eventually(async () => (publishedBy(system).length === 2 ? true : undefined), 15_000, 'two events');
  await runner.stop();
  assert.equal(runner.health().invalid, 1);
  const line = logLines.find((l) => l.includes('invalid source event dead-lettered') && l.includes(system));
  assert.ok(line, 'the dead letter is logged');
  assert.doesNotMatch(line, /Jean|Dupont|Villeurbanne|CR-SECRET|act-2/);
  assert.match(line, /dateOfDeath/);

  // Dead-lettered before the checkpoint was saved: already on the topic.
  const [letter] = await eventually(
    async () => (deadLetters.messages.length === 1 ? deadLetters.messages : undefined),
    5000,
    'the dead letter',
  );
  await deadLetters.close();
  assert.equal(letter!.key?.toString(), sourceEventId(system, 'act-2'));
  assert.equal(letter!.headers['ce_id'], sourceEventId(system, 'act-2'));
  assert.equal(letter!.headers['relais_kind'], 'source');
  assert.equal(letter!.headers['relais_error_code'], 'EVENT_INVALID');
  assert.equal(letter!.headers['relais_source_checkpoint'], '3');
  assert.match(letter!.headers['relais_error_message'] ?? '', /dateOfDeath/);
  assert.doesNotMatch(letter!.headers['relais_error_message'] ?? '', /Jean|Dupont/, 'the cause names the field, not its value');
  const value = parseSourceDeadLetter(letter!.value.toString('utf8'))!;
  // No raw record given: the event as handed over is kept, to check again on a re-drive.
  assert.deepEqual([value.system, value.recordKey, value.raw, value.event?.citizenLocalId], [system, 'act-2', null, 'CR-SECRET-LOCAL']);
});

test('a record the connector could not map is dead-lettered with its raw record and reason; the events of the round pass', async () => {
  const system = 'registry-unmapped';
  await ensureTestTopics(bus, prefix, [system]);
  const deadLetters = await recordTopics(bus, [topics.sourceDlq(system)]);
  let polls = 0;
  const runner = run(system, {
    async poll(checkpoint) {
      if (polls++ > 0) return { events: [], checkpoint };
      return {
        events: [deathRecord(1)],
        unmapped: [{ recordKey: 'act-9', raw: { numero: 9, nom: 'Martin' }, reason: 'an event type the connector does not know' }],
        checkpoint: asCheckpoint('9'),
      };
    },
  });
  await eventually(
    async () => ((await readSourceState(database.db, system)).checkpoint === '9' ? true : undefined),
    15_000,
    'checkpoint 9',
  );
  await eventually(async () => (publishedBy(system).length === 1 ? true : undefined), 15_000, 'the mapped event');
  await runner.stop();
  assert.equal(runner.health().invalid, 1);
  const [letter] = await eventually(
    async () => (deadLetters.messages.length === 1 ? deadLetters.messages : undefined),
    5000,
    'the dead letter',
  );
  await deadLetters.close();
  assert.equal(letter!.headers['ce_id'], sourceEventId(system, 'act-9'));
  assert.equal(letter!.headers['ce_type'], undefined);
  assert.equal(letter!.headers['relais_error_message'], 'the record cannot be mapped: an event type the connector does not know');
  const value = parseSourceDeadLetter(letter!.value.toString('utf8'))!;
  assert.deepEqual([value.raw, value.checkpoint, value.attempts], [{ numero: 9, nom: 'Martin' }, '9', 1]);
  const line = logLines.find((l) => l.includes('unmapped source record dead-lettered') && l.includes(system));
  assert.ok(line);
  assert.doesNotMatch(line, /Martin|act-9/);
});

test('a crash after the dead letter, before the checkpoint, dead-letters the record again under the same key: nothing lost', async () => {
  const system = 'registry-invalid-crash';
  await ensureTestTopics(bus, prefix, [system]);
  const deadLetters = await recordTopics(bus, [topics.sourceDlq(system)]);
  const broken = { ...deathRecord(2), data: { dateOfDeath: 'not a date' } };
  const runner = run(system, listSource([deathRecord(1), broken], 5), {
    afterPublish: (rounds) => {
      if (rounds === 1) throw new Error('test: crash between publishing and saving the checkpoint');
    },
  });
  await eventually(
    async () => ((await readSourceState(database.db, system)).checkpoint === '2' ? true : undefined),
    15_000,
    'checkpoint 2',
  );
  await runner.stop();
  const letters = await eventually(
    async () => (deadLetters.messages.length === 2 ? deadLetters.messages : undefined),
    5000,
    'two dead letters',
  );
  await deadLetters.close();
  assert.deepEqual(
    letters.map((m) => m.key),
    [sourceEventId(system, 'act-2'), sourceEventId(system, 'act-2')],
    'the same key twice: the dead-letter view keeps the latest',
  );
});

test('a push source: an invalid push is dead-lettered; a re-drive asked for it is taken on a timer, checked again and audited', async () => {
  const system = 'webhook-invalid';
  await ensureTestTopics(bus, prefix, [system]);
  const deadLetters = await recordTopics(bus, [topics.sourceDlq(system)]);
  let publish: PushSourceContext['publish'] | undefined;
  const running = await startPushSourceRuntime({
    system,
    bus,
    db: database.db,
    topics,
    flows: () => flows,
    logger,
    context: { system, settings: {}, logger },
    create: (context) => {
      publish = (events) => context.publish(events);
      return { start: async () => undefined, close: async () => undefined };
    },
  });
  const answer = await publish!([{ ...deathRecord(7), data: { dateOfDeath: 'not a date' } }]);
  assert.deepEqual([answer.published, answer.invalid], [[], 1]);
  const [letter] = await eventually(
    async () => (deadLetters.messages.length === 1 ? deadLetters.messages : undefined),
    5000,
    'the dead letter',
  );
  const eventId = sourceEventId(system, 'act-7');
  await database.db.query('INSERT INTO source_redrives (system, event_id, message, requested_by) VALUES ($1, $2, $3, $4)', [
    system,
    eventId,
    letter!.value.toString('utf8'),
    'operator',
  ]);
  // Still invalid (no catalogue fix here): dead-lettered again, one more attempt, and audited.
  const again = await eventually(
    async () => (deadLetters.messages.length === 2 ? deadLetters.messages[1] : undefined),
    15_000,
    'the re-drive',
  );
  await running!.stop();
  await deadLetters.close();
  assert.equal(again.headers['relais_attempts'], '2');
  const audit = await database.db.query<{ outcome: string }>(
    "SELECT details->>'outcome' AS outcome FROM audit_log WHERE action = 'dlq.source.redriven' AND details->>'eventId' = $1",
    [eventId],
  );
  assert.deepEqual(audit.rows, [{ outcome: 'dead_lettered' }]);
  const left = await database.db.query('SELECT 1 FROM source_redrives WHERE system = $1', [system]);
  assert.equal(left.rows.length, 0, 'the request is done');
});

test('a failing poll backs off and resumes from the same checkpoint; the streak shows in health and in the store', async () => {
  const system = 'registry-flaky';
  const source = listSource(
    [1, 2, 3, 4].map((n) => deathRecord(n)),
    2,
  );
  source.before = (poll) => {
    if (poll >= 2 && poll <= 4) throw new RetryableError('registry answered 503');
  };
  const runner = run(system, source);
  await eventually(async () => (runner.health().consecutiveFailures >= 2 ? true : undefined), 10_000, 'failures');
  const during = await readSourceState(database.db, system);
  assert.ok(during.consecutiveFailures >= 1);
  assert.match(during.lastError ?? '', /503/);
  assert.equal(runner.health().state, 'failing');
  await eventually(
    async () => ((await readSourceState(database.db, system)).checkpoint === '4' ? true : undefined),
    15_000,
    'checkpoint 4',
  );
  await runner.stop();
  assert.deepEqual(source.polls.slice(1, 5), ['2', '2', '2', '2'], 'every retry polls from the last saved checkpoint');
  assert.equal(publishedBy(system).length, 4);
  assert.equal((await readSourceState(database.db, system)).consecutiveFailures, 0);
});

test('a poll that hangs times out and is retried; stop aborts the poll in hand promptly', async () => {
  const system = 'registry-hang';
  const source = listSource([deathRecord(1)], 1);
  source.before = (poll, signal) =>
    poll === 1
      ? new Promise<void>(() => undefined)
      : new Promise<void>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));
  const runner = run(system, source, { timeoutMs: 100 });
  await eventually(async () => (source.polls.length >= 2 ? true : undefined), 5000, 'a second poll after the timeout');
  assert.match(runner.health().lastError ?? '', /timed out/);
  const started = Date.now();
  await runner.stop();
  assert.ok(Date.now() - started < 1000, `stopped in ${Date.now() - started} ms`);
});

test('records published again after a lost checkpoint keep their ids and are recorded once', async () => {
  const system = 'registry-replay';
  const source = listSource(
    [1, 2].map((n) => deathRecord(n)),
    5,
  );
  const first = run(system, source);
  await eventually(
    async () => ((await readSourceState(database.db, system)).checkpoint === '2' ? true : undefined),
    15_000,
    'checkpoint 2',
  );
  await first.stop();
  await database.db.query('DELETE FROM source_checkpoints WHERE system = $1', [system]);
  const again = run(system, listSource(source.records, 5));
  await eventually(async () => (publishedBy(system).length >= 4 ? true : undefined), 15_000, 'the records published again');
  await again.stop();
  const ids = publishedBy(system).map((m) => m.headers['ce_id']);
  assert.deepEqual(new Set(ids).size, 2);
  const stored = await database.db.query<{ count: number }>('SELECT count(*)::int AS count FROM changes WHERE origin_system = $1', [
    system,
  ]);
  assert.equal(stored.rows[0]?.count, 2);
  const audit = await database.db.query<{ count: number }>(
    'SELECT count(*)::int AS count FROM audit_log WHERE change_id = ANY($1::uuid[])',
    [[...new Set(ids)]],
  );
  assert.equal(audit.rows[0]?.count, 2);
});
