/**
 * The tax connector's parts: mapping (pure), and the source and the acknowledgement poller
 * against the tax simulator over real SSH/SFTP — whole-file validation of change files (wrong
 * trailer count, truncated line, undecodable byte → rejected/ with a reason, no event), pages
 * with checkpoints, accented names intact, acknowledgement files archived once reported.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  asCheckpoint,
  type Checkpoint,
  createLogger,
  type Delivery,
  MappingError,
  type Source,
  type SourceEvent,
} from '@relais/connector-kit';
import { ensureKeyPair } from '../../silos/tax/keys.ts';
import { seedTaxStore } from '../../silos/tax/seed.ts';
import { startTaxSilo, type TaxSilo } from '../../silos/tax/server.ts';
import { TaxStore } from '../../silos/tax/store.ts';
import { TaxSftpClient } from './client.ts';
import { toAcknowledgements, toBatchRecord } from './mapping.ts';
import { createTaxSink } from './sink.ts';
import { createTaxSource } from './source.ts';

const dir = mkdtempSync(join(tmpdir(), 'tax-connector-'));
const key = ensureKeyPair(join(dir, 'client', 'id_ed25519'), 'test');
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const context = { signal: new AbortController().signal, logger: createLogger({ component: 'test', level: 'silent' }) };
let silo: TaxSilo;
let client: TaxSftpClient;

before(async () => {
  seedTaxStore(TaxStore.open(join(dir, 'silo')));
  silo = await startTaxSilo({ dataDir: join(dir, 'silo'), authorizedKeys: [key.publicKey], scanMs: 100 });
  client = new TaxSftpClient({
    host: silo.host,
    port: silo.port,
    username: silo.username,
    privateKey: key.privateKey,
    hostKeyFingerprint: silo.hostKeyFingerprint,
  });
});

after(async () => {
  await client.close();
  await silo.close();
  rmSync(dir, { recursive: true, force: true });
});

function delivery(data: Record<string, unknown>, citizenId = '1000000000123'): Delivery {
  return {
    eventId: randomUUID(),
    type: 'fr.relais.citizen.address.changed.v1',
    pivotId: randomUUID(),
    system: 'tax',
    routeId: 'address-to-tax',
    citizenId,
    data,
    time: new Date().toISOString(),
  };
}

test('mapping: a delivery becomes a batch record; what the tax office cannot take is refused with a reason free of personal data', () => {
  const data = {
    address: { number: '5', streetName: 'rue Mercière', postcode: '69002', communeName: 'Lyon', country: 'FR' },
    effectiveDate: '2026-11-01',
  };
  assert.equal(toBatchRecord(delivery(data)).address.streetName, 'rue Mercière');
  assert.throws(
    () => toBatchRecord(delivery(data, 'SS-12')),
    (e: unknown) => e instanceof MappingError && !e.message.includes('SS-12'),
  );
  assert.throws(() => toBatchRecord(delivery({ address: data.address })), /effectiveDate/);
  assert.throws(() => toBatchRecord({ ...delivery(data), type: 'fr.relais.citizen.death.registered.v1' }), /does not handle/);
});

test('mapping: acknowledgements per record, and a refused file by its name', () => {
  const id = randomUUID();
  assert.deepEqual(
    toAcknowledgements({ batchFile: 'B.txt', batchFileId: 'x', processedAt: '' }, [
      { eventId: id, status: 'refused', code: 'E102', reason: 'CODE POSTAL INVALIDE' },
    ]),
    [{ eventId: id, outcome: { status: 'rejected', reason: 'tax office refused (E102): CODE POSTAL INVALIDE' } }],
  );
  assert.deepEqual(
    toAcknowledgements(
      { batchFile: 'B.txt', batchFileId: 'x', processedAt: '', refused: { code: 'F202', reason: 'SOMME DE CONTROLE FAUSSE' } },
      [],
    ),
    [
      {
        reference: 'B.txt',
        outcome: { status: 'dead_lettered', reason: 'tax office refused file B.txt (F202): SOMME DE CONTROLE FAUSSE' },
      },
    ],
  );
});

/** Polls until the source has nothing new; returns every event and each checkpoint. */
async function drain(source: Source, from: Checkpoint | null): Promise<{ events: SourceEvent[]; checkpoints: (Checkpoint | null)[] }> {
  const events: SourceEvent[] = [];
  const checkpoints: (Checkpoint | null)[] = [];
  let checkpoint = from;
  for (let round = 0; round < 20; round++) {
    const result = await source.poll(checkpoint, context);
    events.push(...result.events);
    checkpoints.push(result.checkpoint);
    if (result.checkpoint === checkpoint && result.events.length === 0) break;
    checkpoint = result.checkpoint;
  }
  return { events, checkpoints };
}

test('source: bad trailer, truncated line, undecodable byte → rejected/ with a clear reason, nothing published', async () => {
  for (const name of ['DGFIP_CHG_bad-trailer.txt', 'DGFIP_CHG_truncated.txt', 'DGFIP_CHG_bad-byte.txt'])
    await silo.dropFile('changes', name, fixture(name));
  const { events } = await drain(createTaxSource(client, { pageSize: 10 }), null);
  assert.deepEqual(events, []);
  const rejected = await silo.listFiles('changes/rejected');
  const reason = (name: string) => readFileSync(join(silo.root, 'changes', 'rejected', `${name}.reason`), 'utf8');
  assert.match(reason('DGFIP_CHG_bad-trailer.txt'), /line 5: the trailer announces "000000004" records, the file has 3/);
  assert.match(reason('DGFIP_CHG_truncated.txt'), /line 3: 250 bytes instead of 400/);
  assert.match(reason('DGFIP_CHG_bad-byte.txt'), /line 3: byte 0x81 at column 101 is not ISO-8859-15 text/);
  assert.ok(['DGFIP_CHG_bad-trailer.txt', 'DGFIP_CHG_truncated.txt', 'DGFIP_CHG_bad-byte.txt'].every((n) => rejected.includes(n)));
  assert.deepEqual(await silo.listFiles('changes'), []);
});

test('source: a valid file is published in pages, accents intact, then moved to processed/; the same records give the same keys', async () => {
  await silo.dropFile('changes', 'DGFIP_CHG_valid.txt', fixture('DGFIP_CHG_valid.txt'));
  const source = createTaxSource(client, { pageSize: 2 });
  const first = await source.poll(null, context);
  assert.equal(first.events.length, 2);
  assert.deepEqual(JSON.parse(first.checkpoint!), { file: 'DGFIP_CHG_valid.txt', next: 3 });
  // A crash before the checkpoint is saved polls again from the older one: same records, same keys.
  const again = await source.poll(null, context);
  assert.deepEqual(
    again.events.map((e) => e.recordKey),
    first.events.map((e) => e.recordKey),
  );
  const second = await source.poll(first.checkpoint, context);
  assert.equal(second.events.length, 1);
  assert.deepEqual(JSON.parse(second.checkpoint!), { file: 'DGFIP_CHG_valid.txt', done: true });
  assert.deepEqual(await silo.listFiles('changes'), ['DGFIP_CHG_valid.txt'], "moved only after the last page's checkpoint is saved");
  const third = await source.poll(second.checkpoint, context);
  assert.deepEqual(third.events, []);
  assert.deepEqual(await silo.listFiles('changes/processed'), ['DGFIP_CHG_valid.txt']);

  const all = [...first.events, ...second.events];
  assert.deepEqual(
    all.map((e) => e.recordKey),
    ['change:DEC-2026-000101', 'change:DEC-2026-000102', 'change:DEC-2026-000103'],
  );
  assert.deepEqual(all[0], {
    recordKey: 'change:DEC-2026-000101',
    type: 'fr.relais.citizen.address.changed.v1',
    citizenLocalId: '1000000000123',
    time: '2026-10-05T09:00:00Z',
    data: {
      address: {
        number: '14',
        suffix: 'bis',
        streetName: 'rue de la Lœuvre',
        complement: 'Bâtiment C, 3e étage',
        postcode: '69005',
        communeName: 'Lyon',
        communeInsee: '69385',
        country: 'FR',
      },
      effectiveDate: '2026-10-01',
    },
  });
  assert.equal((all[2]!.data['address'] as { communeName: string }).communeName, 'Chambéry');
});

test('acknowledgements: read once reported, archived at the next poll', async () => {
  const sink = createTaxSink(client, { maxRecords: 10, maxAgeMs: 100, uploadTimeoutMs: 5000, ackPollMs: 100, ackDeadlineMs: 5000 });
  const d = delivery({
    address: { streetName: 'rue Écho', postcode: '69001', communeName: 'Lyon', country: 'FR' },
    effectiveDate: '2026-11-01',
  });
  const [outcome] = await sink.applyBatch!([d], { ...context, attempt: 1 });
  const file = (outcome as { reference: string }).reference;
  const ackName = file.replace('.txt', '.ack');
  let poll = await sink.acknowledgements!.poll(null, context);
  for (let i = 0; i < 50 && poll.acknowledgements.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
    poll = await sink.acknowledgements!.poll(null, context);
  }
  assert.deepEqual(poll.acknowledgements, [{ eventId: d.eventId, outcome: { status: 'applied' } }]);
  assert.deepEqual(JSON.parse(poll.checkpoint!), [ackName]);
  assert.ok((await silo.listFiles('outbox')).includes(ackName), 'not archived before the checkpoint is saved');
  const next = await sink.acknowledgements!.poll(poll.checkpoint, context);
  assert.deepEqual(next.acknowledgements, []);
  assert.ok(readdirSync(join(silo.root, 'outbox', 'archive')).includes(ackName));
  assert.equal(next.checkpoint, asCheckpoint('[]'));
});
