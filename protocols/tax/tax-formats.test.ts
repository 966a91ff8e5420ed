/** The three tax file formats: round trips (property-based), header checks, field refusals. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { FieldError, FileFormatError } from './fixed-width.ts';
import { readTaxAck, writeTaxAck } from './ack.ts';
import { batchRecordFrom, checkBatchRecord, readTaxBatch, writeTaxBatch, type BatchRecord } from './batch.ts';
import { readTaxChanges, writeTaxChanges, type ChangeRecord } from './changes.ts';

async function* from(buffers: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  for await (const b of buffers) yield b;
}

async function collect<T, R>(reader: AsyncGenerator<T, R>): Promise<{ items: T[]; result: R }> {
  const items: T[] = [];
  for (;;) {
    const next = await reader.next();
    if (next.done) return { items, result: next.value };
    items.push(next.value);
  }
}

const word = fc
  .stringMatching(/^[A-Za-zÀ-ÿŒœ' -]{1,30}$/)
  .map((s) => s.trim())
  .filter((s) => s.length > 0);
const address = fc.record({
  number: fc.option(fc.stringMatching(/^[0-9]{1,5}$/), { nil: undefined }),
  suffix: fc.option(fc.constantFrom('bis', 'ter', 'quinquies'), { nil: undefined }),
  streetName: word,
  complement: fc.option(word, { nil: undefined }),
  postcode: fc.stringMatching(/^[0-9]{5}$/),
  communeName: word,
  communeInsee: fc.option(fc.stringMatching(/^[0-9]{5}$/), { nil: undefined }),
  country: fc.constant('FR'),
});
const isoDate = fc
  .date({ min: new Date('1990-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const batchRecord = fc.record({ eventId: fc.uuid(), taxId: fc.stringMatching(/^[0-9]{13}$/), effectiveDate: isoDate, address });

const withoutUndefined = (value: object): unknown => JSON.parse(JSON.stringify(value));

test('property: a batch file reads back as the records written, accents intact', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(batchRecord, { maxLength: 30 }), async (records: BatchRecord[]) => {
      const { items, result } = await collect(readTaxBatch(from(writeTaxBatch({ fileId: randomUUID(), createdAt: new Date() }, records))));
      assert.equal(result.count, records.length);
      assert.deepEqual(
        items.map((i) => {
          const { sequence: _s, ...r } = batchRecordFrom(i.values);
          return withoutUndefined(r);
        }),
        records.map(withoutUndefined),
      );
      assert.deepEqual(
        items.map((i) => Number(i.values['sequence'])),
        records.map((_, n) => n + 1),
      );
    }),
    { numRuns: 40 },
  );
});

test('a record the format cannot carry is refused alone, naming the field', () => {
  const record: BatchRecord = {
    eventId: randomUUID(),
    taxId: '1234567890123',
    effectiveDate: '2026-11-01',
    address: { streetName: '東京通り', postcode: '75001', communeName: 'Paris', country: 'FR' },
  };
  assert.throws(
    () => checkBatchRecord(record),
    (e: unknown) => e instanceof FieldError && e.field === 'streetName' && /U\+6771/.test(e.message),
  );
  assert.doesNotThrow(() => checkBatchRecord({ ...record, address: { ...record.address, streetName: 'rue de l’Œuvre' } }));
});

test('an acknowledgement reads back: accepted and refused lines, and a whole-file refusal', async () => {
  const ids = [randomUUID(), randomUUID()];
  const ack = await readTaxAck(
    from(
      writeTaxAck({ batchFile: 'RELAIS_1.txt', batchFileId: 'f1', processedAt: new Date('2026-11-02T10:00:00Z') }, [
        { eventId: ids[0]!, status: 'accepted' },
        { eventId: ids[1]!, status: 'refused', code: 'E101', reason: 'CONTRIBUABLE INCONNU' },
      ]),
    ),
  );
  assert.equal(ack.header.batchFile, 'RELAIS_1.txt');
  assert.equal(ack.header.refused, undefined);
  assert.deepEqual(ack.records, [
    { eventId: ids[0], status: 'accepted' },
    { eventId: ids[1], status: 'refused', code: 'E101', reason: 'CONTRIBUABLE INCONNU' },
  ]);

  const refused = await readTaxAck(
    from(
      writeTaxAck(
        {
          batchFile: 'RELAIS_2.txt',
          batchFileId: 'f2',
          processedAt: new Date(),
          refused: { code: 'F202', reason: 'SOMME DE CONTROLE FAUSSE' },
        },
        [],
      ),
    ),
  );
  assert.deepEqual(refused.header.refused, { code: 'F202', reason: 'SOMME DE CONTROLE FAUSSE' });
  assert.equal(refused.records.length, 0);
});

test('a change file reads back; a blank required field is a format error with its line', async () => {
  const records: ChangeRecord[] = [
    {
      reference: 'DEC-2026-000001',
      taxId: '1234567890123',
      effectiveDate: '2026-10-15',
      declaredAt: '2026-10-20T08:30:00.000Z',
      address: {
        number: '3',
        streetName: 'allée des Châtaigniers',
        postcode: '69003',
        communeName: 'Lyon',
        communeInsee: '69383',
        country: 'FR',
      },
    },
  ];
  const { items } = await collect(readTaxChanges(from(writeTaxChanges({ fileId: randomUUID(), createdAt: new Date() }, records))));
  assert.equal(items[0]!.address.streetName, 'allée des Châtaigniers');
  assert.equal(items[0]!.declaredAt, '2026-10-20T08:30:00Z');

  const blank = [{ ...records[0]!, taxId: '12345' }];
  await assert.rejects(
    collect(readTaxChanges(from(writeTaxChanges({ fileId: randomUUID(), createdAt: new Date() }, blank)))),
    (e: unknown) => e instanceof FileFormatError && e.kind === 'FIELD' && e.line === 2,
  );
});

test('a batch file is not a change file: the header says which format it is', async () => {
  const batch = writeTaxBatch({ fileId: randomUUID(), createdAt: new Date() }, []);
  await assert.rejects(
    collect(readTaxChanges(from(batch))),
    (e: unknown) => e instanceof FileFormatError && e.kind === 'HEADER' && /not a DGFIPCHG file/.test(e.message),
  );
});
