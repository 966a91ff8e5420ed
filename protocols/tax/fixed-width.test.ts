/** The fixed-width engine on a small spec: layout, padding, streaming, and every file-level check. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FieldError, FileFormatError, formatRecord, readFile, writeFile, type FileSpec, type Values } from './fixed-width.ts';

const spec: FileSpec = {
  name: 'test file',
  recordLength: 40,
  header: { recordType: '01', fields: [['title', 10]] },
  detail: {
    recordType: '10',
    fields: [
      ['n', 5, 'numeric'],
      ['name', 20],
    ],
  },
};

async function bytesOf(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const all: Buffer[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return Buffer.concat(all);
}

async function readAll(bytes: Buffer, chunkSize = 7): Promise<{ details: Record<string, string>[]; count: number }> {
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
  }
  const details: Record<string, string>[] = [];
  const reader = readFile(chunks(), spec);
  for (;;) {
    const next = await reader.next();
    if (next.done) return { details, count: next.value.count };
    details.push(next.value.values);
  }
}

const rejectsWith = (kind: string, line?: number) => (error: unknown) =>
  error instanceof FileFormatError && error.kind === kind && (line === undefined || error.line === line);

test('records are fixed width: alpha left-aligned with spaces, numeric zero-padded, LF after each', async () => {
  const file = await bytesOf(writeFile(spec, { title: 'Tést' }, [{ n: '7', name: 'Zoé' }]));
  const lines = file.toString('latin1').split('\n');
  assert.deepEqual(
    lines.map((l) => l.length),
    [40, 40, 40, 0],
  );
  assert.equal(lines[1], `10${'00007'}Zo\xe9${' '.repeat(30)}`);
  assert.match(lines[2]!, /^99000000001[0-9A-F]{8} +$/);
  assert.deepEqual((await readAll(file)).details, [{ n: '00007', name: 'Zoé' }]);
});

test('a value too wide or a non-digit in a numeric field is a FieldError naming the field only', () => {
  const target = Buffer.alloc(41);
  assert.throws(
    () => formatRecord(spec.detail, { n: '1', name: 'x'.repeat(21) }, 40, target, 0),
    (e: unknown) => e instanceof FieldError && e.field === 'name' && !e.message.includes('xxx'),
  );
  assert.throws(
    () => formatRecord(spec.detail, { n: '1a' }, 40, target, 0),
    (e: unknown) => e instanceof FieldError && e.field === 'n',
  );
});

test('the reader refuses a wrong trailer count, a bad checksum, a truncated line, a foreign byte', async () => {
  const good = await bytesOf(
    writeFile(spec, { title: 'T' }, [
      { n: '1', name: 'a' },
      { n: '2', name: 'b' },
    ]),
  );
  const text = good.toString('latin1');

  const badCount = Buffer.from(text.replace('99000000002', '99000000003'), 'latin1');
  await assert.rejects(readAll(badCount), rejectsWith('TRAILER_COUNT', 4));

  const tampered = Buffer.from(text.replace('1000002b', '1000002c'), 'latin1');
  await assert.rejects(readAll(tampered), rejectsWith('CHECKSUM', 4));

  await assert.rejects(readAll(good.subarray(0, 41 + 20)), rejectsWith('LINE_LENGTH', 2));
  await assert.rejects(readAll(good.subarray(0, 41 * 3)), rejectsWith('MISSING_TRAILER'));

  const foreign = Buffer.from(good);
  foreign[41 + 10] = 0x81;
  await assert.rejects(readAll(foreign), rejectsWith('ENCODING', 2));

  const crlf = Buffer.from(text.replaceAll('\n', '\r\n'), 'latin1');
  await assert.rejects(readAll(crlf), rejectsWith('LINE_LENGTH', 1));

  await assert.rejects(readAll(Buffer.concat([good, good.subarray(0, 41)])), rejectsWith('AFTER_TRAILER', 5));
  await assert.rejects(readAll(Buffer.alloc(0)), rejectsWith('EMPTY'));
  await assert.rejects(readAll(good.subarray(41)), rejectsWith('HEADER', 1));
});

test('a line far longer than a record fails without being buffered whole', async () => {
  const long = Buffer.alloc(10_000, 0x41);
  await assert.rejects(readAll(long, 1000), rejectsWith('LINE_LENGTH', 1));
});

test('property: whatever is written is read back the same, whatever the chunking', async () => {
  const name = fc.string({ maxLength: 20 }).map((s) => s.replace(/[^\x20-\x7e]/g, 'é').trimEnd());
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.record({ n: fc.nat(99_999).map(String), name })),
      fc.integer({ min: 1, max: 200 }),
      async (rows: Values[], chunk) => {
        const file = await bytesOf(writeFile(spec, { title: 'p' }, rows));
        const read = await readAll(file, chunk);
        assert.equal(read.count, rows.length);
        assert.deepEqual(
          read.details.map((d) => ({ n: String(Number(d['n'])), name: d['name'] })),
          rows.map((r) => ({ ...r })),
        );
      },
    ),
    { numRuns: 60 },
  );
});
