/**
 * Fuzzing as tests: the three tax file readers fed valid files with random damage (flipped,
 * inserted, deleted bytes, a cut), and random bytes, in random chunks. Every read either
 * completes or refuses with the format's own errors (FileFormatError, FieldError), never
 * another exception, and finishes within a second: a tax office's file can never crash or hang
 * the connector. Bounded: a few hundred runs, a few seconds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FieldError, FileFormatError } from './fixed-width.ts';
import { readTaxAck, writeTaxAck } from './ack.ts';
import { batchRecordFrom, readTaxBatch, writeTaxBatch } from './batch.ts';
import { readTaxChanges, writeTaxChanges } from './changes.ts';

async function bytesOf(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const all: Buffer[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return Buffer.concat(all);
}

const address = { number: '12', streetName: 'rue de l’Œuvre', postcode: '69003', communeName: 'Lyon', country: 'FR' };
const eventId = (i: number): string => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const createdAt = new Date('2026-11-01T10:00:00Z');

const valid = {
  batch: await bytesOf(
    writeTaxBatch(
      { fileId: eventId(0), createdAt },
      [1, 2, 3].map((i) => ({ eventId: eventId(i), taxId: '1234567890123', effectiveDate: '2026-11-01', address })),
    ),
  ),
  changes: await bytesOf(
    writeTaxChanges(
      { fileId: eventId(0), createdAt },
      [1, 2, 3].map((i) => ({
        reference: `REF-${i}`,
        taxId: '1234567890123',
        effectiveDate: '2026-11-01',
        declaredAt: '2026-10-30T08:00:00Z',
        address,
      })),
    ),
  ),
  ack: await bytesOf(
    writeTaxAck({ batchFile: 'relais-1.txt', batchFileId: eventId(0), processedAt: createdAt }, [
      { eventId: eventId(1), status: 'accepted' },
      { eventId: eventId(2), status: 'refused', code: 'E042', reason: 'adresse inconnue' },
    ]),
  ),
};

type Damage =
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'cut'; at: number };

const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 300 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 300 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
);

function damaged(file: Buffer, damages: Damage[]): Buffer {
  let bytes = Buffer.from(file);
  for (const d of damages) {
    const at = bytes.length === 0 ? 0 : d.at % (bytes.length + 1);
    if (d.kind === 'flip' && at < bytes.length) bytes[at] = d.byte;
    if (d.kind === 'insert') bytes = Buffer.concat([bytes.subarray(0, at), d.bytes, bytes.subarray(at)]);
    if (d.kind === 'delete') bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + d.length)]);
    if (d.kind === 'cut') bytes = bytes.subarray(0, at);
  }
  return bytes;
}

/** The file in chunks of the given sizes (cycled), as a connector would read it from a stream. */
async function* chunked(bytes: Buffer, sizes: number[]): AsyncGenerator<Uint8Array> {
  for (let offset = 0, i = 0; offset < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    yield bytes.subarray(offset, offset + size);
    offset += size;
  }
}

async function drain<T, R>(reader: AsyncGenerator<T, R>, use: (item: T) => unknown = () => undefined): Promise<void> {
  for (;;) {
    const next = await reader.next();
    if (next.done) return;
    use(next.value);
  }
}

const readers: Record<keyof typeof valid, (source: AsyncIterable<Uint8Array>) => Promise<unknown>> = {
  batch: (source) => drain(readTaxBatch(source), (detail) => batchRecordFrom(detail.values)),
  changes: (source) => drain(readTaxChanges(source)),
  ack: (source) => readTaxAck(source),
};

const input = (file: Buffer): fc.Arbitrary<Buffer> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.array(damage, { minLength: 1, maxLength: 4 }).map((d) => damaged(file, d)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)) },
  );

for (const [format, read] of Object.entries(readers) as [keyof typeof valid, (typeof readers)[keyof typeof valid]][]) {
  test(`fuzz: the ${format} reader completes or refuses with a format error, within a second`, { timeout: 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        input(valid[format]),
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 5 }),
        async (bytes, sizes) => {
          try {
            await read(chunked(bytes, sizes));
          } catch (error) {
            assert.ok(error instanceof FileFormatError || error instanceof FieldError, `unexpected ${String(error)}`);
          }
        },
      ),
      { numRuns: 300, timeout: 1000 },
    );
  });
}
