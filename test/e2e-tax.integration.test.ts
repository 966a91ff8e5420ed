/**
 * End to end with the tax office on real parts: gateway → PostgreSQL + outbox → Kafka → router
 * → tax connector → a batch file uploaded over real SSH/SFTP to the simulator → its
 * acknowledgement file → receipts → status. And the other way: the tax office's change files
 * collected, validated whole, published to Kafka or rejected. Checked from outside: the
 * gateway's API, the simulator's files and store, the events topic.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createReadStream, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { batchRecordFrom, readTaxBatch, type BatchRecord } from '../protocols/tax/batch.ts';
import { writeTaxChanges, type ChangeRecord } from '../protocols/tax/changes.ts';
import { eventually, readTopic } from '@relais/connector-kit/testing';
import { settledAll, startStack, type ChangeView, type Stack } from './support/stack.ts';

const DEADLINE_MS = 5000;

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const all: Buffer[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
}

function move(taxId: string, streetName: string): object {
  return {
    type: 'fr.relais.citizen.address.changed.v1',
    citizen: { system: 'tax', id: taxId },
    channel: 'desk',
    data: {
      address: { number: '9', streetName, postcode: '69004', communeName: 'Lyon', communeInsee: '69384', country: 'FR' },
      effectiveDate: '2026-12-01',
    },
  };
}

const taxStatus = (change: ChangeView) => change.recipients.find((r) => r.system === 'tax');

/** Every record of the batch files the simulator has processed, read from its disk. */
async function processedRecords(root: string): Promise<(BatchRecord & { file: string })[]> {
  const dir = join(root, 'inbox', 'processed');
  const records: (BatchRecord & { file: string })[] = [];
  for (const file of readdirSync(dir)) {
    for await (const { values } of readTaxBatch(createReadStream(join(dir, file)))) records.push({ ...batchRecordFrom(values), file });
  }
  return records;
}

describe('tax over SFTP batch files (PostgreSQL store)', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({
      store: 'postgres',
      flows: ['tax.yaml'],
      env: {
        RELAIS_TAX_BATCH_MAX_RECORDS: '100',
        RELAIS_TAX_BATCH_MAX_AGE_MS: '300',
        RELAIS_TAX_ACK_POLL_MS: '150',
        RELAIS_TAX_ACK_DEADLINE_MS: String(DEADLINE_MS),
        RELAIS_TAX_UPLOAD_TIMEOUT_MS: '5000',
        RELAIS_SOURCE_POLL_MS: '200',
      },
    });
  });
  after(() => stack.stop());
  const silo = () => stack.silos.tax;

  test('an address change reaches the tax office in the next batch file; delivered, then applied when the acknowledgement arrives', async () => {
    silo().setFaults({ delayMs: 1500 });
    try {
      const posted = await stack.postChange(move('1000000000456', 'allée des Érables'));
      assert.equal(posted.status, 202);
      // Handed over in a file, not yet answered: the status stays `delivered`.
      const waiting = await stack.waitForStatus(posted.body.id, (c) => taxStatus(c)?.status === 'delivered');
      assert.equal(waiting.status, 'in_progress');
      const applied = await stack.waitForStatus(posted.body.id, settledAll);
      assert.equal(taxStatus(applied)?.status, 'applied');
      assert.equal(applied.status, 'completed');
    } finally {
      silo().setFaults({});
    }
    const record = (await processedRecords(silo().root)).find((r) => r.taxId === '1000000000456');
    assert.ok(record, 'the batch file holds the change');
    assert.equal(record.address.streetName, 'allée des Érables');
    assert.equal(silo().store.get('1000000000456')!.address.streetName, 'allée des Érables');
    // The connector archives the acknowledgements it has reported.
    await eventually(
      async () =>
        readdirSync(join(silo().root, 'outbox', 'archive')).some((f) => record.file.replace('.txt', '.ack') === f) ? true : undefined,
      10_000,
      'the acknowledgement archived',
    );
  });

  test('a record the tax office refuses shows rejected with its code and reason', async () => {
    // Slow enough for the fault to be set once the change's id is known.
    silo().setFaults({ delayMs: 1000 });
    const unknown = await stack.postChange(move('9999999999999', 'rue Inconnue'));
    const refused = await stack.postChange(move('1000000000789', 'rue Refusée'));
    silo().setFaults({ delayMs: 1000, refuseEventIds: [refused.body.id] });
    try {
      const first = await stack.waitForStatus(unknown.body.id, settledAll);
      assert.equal(first.status, 'completed_with_errors');
      assert.deepEqual(
        [taxStatus(first)?.status, taxStatus(first)?.reason],
        ['rejected', 'tax office refused (E101): CONTRIBUABLE INCONNU'],
      );
      const second = await stack.waitForStatus(refused.body.id, settledAll);
      assert.deepEqual([taxStatus(second)?.status, taxStatus(second)?.reason], ['rejected', 'tax office refused (E199): REFUS SIMULE']);
    } finally {
      silo().setFaults({});
    }
  });

  test('no acknowledgement before the deadline: dead_lettered with the reason', async () => {
    silo().setFaults({ withholdAcknowledgements: true });
    try {
      const posted = await stack.postChange(move('1000000000123', 'rue du Silence'));
      await stack.waitForStatus(posted.body.id, (c) => taxStatus(c)?.status === 'delivered');
      const change = await stack.waitForStatus(posted.body.id, settledAll, DEADLINE_MS + 15_000);
      assert.equal(taxStatus(change)?.status, 'dead_lettered');
      assert.match(
        taxStatus(change)?.reason ?? '',
        new RegExp(`^no acknowledgement from tax for RELAIS_\\d{14}_[0-9a-f-]{36}\\.txt within ${DEADLINE_MS} ms$`),
      );
    } finally {
      silo().setFaults({});
    }
  });

  test('an upload cut mid-file: the partial file is never processed and the batch is sent again whole', async () => {
    silo().setFaults({ cutUploadAfterBytes: 600 });
    const posted = await stack.postChange(move('1000000000789', 'rue de la Reprise'));
    const change = await stack.waitForStatus(posted.body.id, settledAll);
    assert.equal(taxStatus(change)?.status, 'applied');
    const partials = readdirSync(join(silo().root, 'inbox')).filter((f) => f.startsWith('.') && f.endsWith('.part'));
    assert.equal(partials.length, 1, 'the interrupted upload left its partial dot file');
    const records = (await processedRecords(silo().root)).filter((r) => r.eventId === posted.body.id);
    assert.equal(records.length, 1, 'only the complete resend was processed');
    assert.ok(!partials[0]!.includes(records[0]!.file), 'the processed file is another upload');
  });

  const declaration = (reference: string, taxId: string, streetName: string): ChangeRecord => ({
    reference,
    taxId,
    effectiveDate: '2026-10-15',
    declaredAt: '2026-10-20T08:30:00Z',
    address: { number: '3', streetName, postcode: '69003', communeName: 'Lyon', communeInsee: '69383', country: 'FR' },
  });

  test('a change file with a bad trailer is moved to rejected/ with its reason and publishes nothing; a good one is published in full and moved to processed/', async () => {
    const bad = Buffer.concat(
      await collect(
        writeTaxChanges({ fileId: randomUUID(), createdAt: new Date() }, [
          declaration(`BAD-${Date.now()}`, '1000000000123', 'rue Jamais Publiée'),
        ]),
      ),
    );
    const badText = bad.toString('latin1').replace('99000000001', '99000000005');
    await silo().dropFile('changes', 'DGFIP_CHG_0001_bad.txt', Buffer.from(badText, 'latin1'));
    await eventually(
      async () => (readdirSync(join(silo().root, 'changes', 'rejected')).includes('DGFIP_CHG_0001_bad.txt') ? true : undefined),
      15_000,
      'the bad file rejected',
    );
    const reason = readdirSync(join(silo().root, 'changes', 'rejected')).find((f) => f === 'DGFIP_CHG_0001_bad.txt.reason');
    assert.ok(reason, 'a .reason file beside it');

    const good = [
      declaration(`OK-${Date.now()}-1`, '1000000000456', 'allée des Châtaigniers'),
      declaration(`OK-${Date.now()}-2`, '1000000000789', 'rue de l’Œuvre'),
    ];
    const name = await silo().dropChangeFile(good, 'DGFIP_CHG_0002_good.txt');
    await eventually(
      async () => (readdirSync(join(silo().root, 'changes', 'processed')).includes(name) ? true : undefined),
      15_000,
      'the good file processed',
    );
    const events = await readTopic(
      `${stack.prefix}.events`,
      (all) => all.filter((m) => m.headers['ce_relaisorigin'] === 'tax').length >= 2,
    );
    const fromTax = (await stack.opened(events.filter((m) => m.headers['ce_relaisorigin'] === 'tax'))).map(
      (m) => JSON.parse(m.value.toString()) as { address: { streetName: string } },
    );
    assert.deepEqual(fromTax.map((e) => e.address.streetName).sort(), ['allée des Châtaigniers', "rue de l'Œuvre"]);
    assert.ok(!(await stack.opened(events)).some((m) => m.value.toString().includes('Jamais Publiée')), 'nothing of the rejected file');
  });
});
