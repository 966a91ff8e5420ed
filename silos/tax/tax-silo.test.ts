/**
 * The tax simulator over real SSH/SFTP (ssh2-sftp-client as the client): key authentication,
 * complete files only, acknowledgements per record, whole-file refusals, fault injection.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import SftpClient from 'ssh2-sftp-client';
import { readTaxAck, type ReadAck } from '../../protocols/tax/ack.ts';
import { writeTaxBatch, type BatchRecord } from '../../protocols/tax/batch.ts';
import { eventually } from '@relais/connector-kit/testing';
import { ensureKeyPair } from './keys.ts';
import { seedTaxStore } from './seed.ts';
import { startTaxSilo, type TaxSilo } from './server.ts';
import { TaxStore } from './store.ts';

const dir = mkdtempSync(join(tmpdir(), 'tax-silo-'));
const clientKey = ensureKeyPair(join(dir, 'client', 'id_ed25519'), 'test');
let silo: TaxSilo;
let sftp: SftpClient;

before(async () => {
  seedTaxStore(TaxStore.open(join(dir, 'silo')));
  silo = await startTaxSilo({ dataDir: join(dir, 'silo'), authorizedKeys: [clientKey.publicKey], scanMs: 100 });
  sftp = new SftpClient();
  await sftp.connect({ host: silo.host, port: silo.port, username: silo.username, privateKey: clientKey.privateKey });
});

after(async () => {
  await sftp.end();
  await silo.close();
  rmSync(dir, { recursive: true, force: true });
});

const move = (taxId: string, streetName = 'rue de la Forêt', postcode = '69004'): BatchRecord => ({
  eventId: randomUUID(),
  taxId,
  effectiveDate: '2026-11-01',
  address: { number: '7', streetName, postcode, communeName: 'Lyon', country: 'FR' },
});

async function bufferOf(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const all: Buffer[] = [];
  for await (const c of chunks) all.push(c);
  return Buffer.concat(all);
}

async function upload(name: string, bytes: Buffer): Promise<void> {
  await sftp.put(Readable.from([bytes]), `/inbox/.${name}.part`);
  await sftp.rename(`/inbox/.${name}.part`, `/inbox/${name}`);
}

async function ackOf(name: string): Promise<ReadAck> {
  const ackName = `${name.replace(/\.txt$/, '')}.ack`;
  await eventually(async () => ((await sftp.exists(`/outbox/${ackName}`)) ? true : undefined), 10_000, `the acknowledgement of ${name}`);
  return readTaxAck(Readable.from([(await sftp.get(`/outbox/${ackName}`)) as Buffer]));
}

test('a batch is applied and acknowledged per record: accepted, unknown taxpayer, invalid postcode', async () => {
  const records = [move('1000000000123', 'allée des Érables'), move('9999999999999'), move('1000000000456', 'rue X', '00000')];
  const name = `RELAIS_${Date.now()}_a.txt`;
  await upload(name, await bufferOf(writeTaxBatch({ fileId: randomUUID(), createdAt: new Date() }, records)));
  const ack = await ackOf(name);
  assert.equal(ack.header.batchFile, name);
  assert.deepEqual(
    ack.records.map((r) => [r.eventId, r.status === 'refused' ? r.code : 'ok']),
    [
      [records[0]!.eventId, 'ok'],
      [records[1]!.eventId, 'E101'],
      [records[2]!.eventId, 'E102'],
    ],
  );
  assert.equal(silo.store.get('1000000000123')!.address.streetName, 'allée des Érables');
  assert.ok((await sftp.list('/inbox/processed')).some((f) => f.name === name));
});

test('a file with a wrong trailer count is refused whole and nothing of it is applied', async () => {
  const record = move('1000000000789', 'rue Jamais Appliquée');
  const bytes = await bufferOf(writeTaxBatch({ fileId: randomUUID(), createdAt: new Date() }, [record]));
  const text = bytes.toString('latin1').replace('99000000001', '99000000002');
  const name = `RELAIS_${Date.now()}_b.txt`;
  await upload(name, Buffer.from(text, 'latin1'));
  const ack = await ackOf(name);
  assert.equal(ack.header.refused?.code, 'F201');
  assert.equal(ack.records.length, 0);
  assert.notEqual(silo.store.get('1000000000789')!.address.streetName, 'rue Jamais Appliquée');
});

test('a file still being uploaded (a dot file) is never processed', async () => {
  const bytes = await bufferOf(writeTaxBatch({ fileId: randomUUID(), createdAt: new Date() }, [move('1000000000123')]));
  await sftp.put(Readable.from([bytes.subarray(0, 500)]), '/inbox/.RELAIS_partial.txt.part');
  await silo.processNow();
  assert.ok(await sftp.exists('/inbox/.RELAIS_partial.txt.part'));
  assert.equal(await sftp.exists('/outbox/RELAIS_partial.ack'), false);
  await sftp.delete('/inbox/.RELAIS_partial.txt.part');
});

test('the same event applied twice changes the taxpayer once (the event id is the key)', async () => {
  const record = move('1000000000456', 'rue du Doublon');
  for (const suffix of ['c1', 'c2']) {
    const name = `RELAIS_${Date.now()}_${suffix}.txt`;
    await upload(name, await bufferOf(writeTaxBatch({ fileId: randomUUID(), createdAt: new Date() }, [record])));
    assert.equal((await ackOf(name)).records[0]!.status, 'accepted');
  }
  assert.equal(silo.store.get('1000000000456')!.history.filter((h) => h.eventId === record.eventId).length, 1);
});

test('fault injection: refuse a record, withhold the acknowledgement', async () => {
  const record = move('1000000000123');
  silo.setFaults({ refuseEventIds: [record.eventId] });
  const name = `RELAIS_${Date.now()}_d.txt`;
  await upload(name, await bufferOf(writeTaxBatch({ fileId: randomUUID(), createdAt: new Date() }, [record])));
  const ack = await ackOf(name);
  assert.deepEqual(ack.records[0], { eventId: record.eventId, status: 'refused', code: 'E199', reason: 'REFUS SIMULE' });

  silo.setFaults({ withholdAcknowledgements: true });
  const held = `RELAIS_${Date.now()}_e.txt`;
  await upload(held, await bufferOf(writeTaxBatch({ fileId: randomUUID(), createdAt: new Date() }, [move('1000000000123')])));
  await eventually(async () => ((await silo.listFiles('inbox/held')).includes(held) ? true : undefined), 10_000, 'the file held');
  assert.equal(await sftp.exists(`/outbox/${held.replace('.txt', '.ack')}`), false);
  silo.setFaults({});
});

test('only the authorised key gets in', async () => {
  const stranger = ensureKeyPair(join(dir, 'stranger', 'id_ed25519'), 'stranger');
  const other = new SftpClient();
  await assert.rejects(
    other.connect({ host: silo.host, port: silo.port, username: silo.username, privateKey: stranger.privateKey, retries: 0 }),
    /authentication|All configured/i,
  );
  await other.end().catch(() => undefined);
});
