/**
 * Fixed-width record files, the shape of every batch file the tax office exchanges
 * (docs/formats/tax-batch.md): one header record, detail records, one trailer record with the
 * detail count and a CRC-32 of everything before it; each record is exactly `recordLength`
 * ISO-8859-15 bytes followed by LF. Pure, and streaming both ways: a file of a million records
 * is written and read in constant memory.
 */
import { crc32 } from 'node:zlib';
import { decodeLatin9, firstNonTextByte, toLatin9Text, writeLatin9, EncodingError } from './latin9.ts';

export type FieldKind = 'alpha' | 'numeric';
/** name, width, kind (alpha: left-aligned, space-padded; numeric: digits, right-aligned, zero-padded). */
export type FieldSpec = readonly [name: string, width: number, kind?: FieldKind];

export interface Layout {
  /** Two characters at the start of every record of this kind ('01' header, '99' trailer…). */
  recordType: string;
  fields: readonly FieldSpec[];
}

export interface FileSpec {
  /** For messages: 'tax batch', 'acknowledgement'… */
  name: string;
  recordLength: number;
  header: Layout;
  detail: Layout;
}

export const LF = 0x0a;
const TRAILER_TYPE = '99';
const trailerLayout: Layout = {
  recordType: TRAILER_TYPE,
  fields: [
    ['count', 9, 'numeric'],
    ['checksum', 8],
  ],
};

export type Values = Readonly<Record<string, string | undefined>>;

/** A value that does not fit its field: the message names the field, never the value. */
export class FieldError extends Error {
  readonly field: string;

  constructor(field: string, reason: string) {
    super(`${field}: ${reason}`);
    this.field = field;
    this.name = 'FieldError';
  }
}

export type FileErrorKind =
  | 'LINE_LENGTH'
  | 'ENCODING'
  | 'RECORD_TYPE'
  | 'HEADER'
  | 'FIELD'
  | 'MISSING_TRAILER'
  | 'TRAILER_COUNT'
  | 'CHECKSUM'
  | 'AFTER_TRAILER'
  | 'EMPTY';

/** A file that breaks its format; `line` is 1-based. Messages quote positions, not contents. */
export class FileFormatError extends Error {
  readonly kind: FileErrorKind;
  readonly line: number;

  constructor(kind: FileErrorKind, line: number, reason: string) {
    super(`line ${line}: ${reason}`);
    this.kind = kind;
    this.line = line;
    this.name = 'FileFormatError';
  }
}

export function layoutWidth(layout: Layout): number {
  return 2 + layout.fields.reduce((sum, [, width]) => sum + width, 0);
}

export function checkSpec(spec: FileSpec): void {
  for (const layout of [spec.header, spec.detail, trailerLayout]) {
    if (layout.recordType.length !== 2) throw new Error(`${spec.name}: record type must be 2 characters`);
    if (layoutWidth(layout) > spec.recordLength)
      throw new Error(`${spec.name}: ${layout.recordType} records are wider than ${spec.recordLength}`);
  }
}

/** Writes one record and its LF into `target` at `offset` (recordLength + 1 bytes). */
export function formatRecord(layout: Layout, values: Values, recordLength: number, target: Buffer, offset: number): void {
  target.fill(0x20, offset, offset + recordLength);
  target.write(layout.recordType, offset, 'latin1');
  let at = offset + 2;
  for (const [name, width, kind] of layout.fields) {
    const raw = values[name];
    if (raw !== undefined && raw !== '') {
      let text: string;
      try {
        text = toLatin9Text(raw);
      } catch (error) {
        if (error instanceof EncodingError) throw new FieldError(name, error.message);
        throw error;
      }
      if (text.length > width) throw new FieldError(name, `longer than its ${width} characters`);
      if (kind === 'numeric') {
        if (!/^[0-9]+$/.test(text)) throw new FieldError(name, 'not digits');
        writeLatin9(text.padStart(width, '0'), target, at);
      } else {
        writeLatin9(text, target, at);
      }
    }
    at += width;
  }
  target[offset + recordLength] = LF;
}

/** Reads a record's fields (alpha fields lose their padding; an all-blank field is ''). */
export function parseRecord(layout: Layout, line: Buffer): Record<string, string> {
  // One byte per character: decode the record once, then cut the fields out of the text.
  const text = decodeLatin9(line);
  const values: Record<string, string> = {};
  let at = 2;
  for (const [name, width] of layout.fields) {
    values[name] = text.slice(at, at + width).trimEnd();
    at += width;
  }
  return values;
}

export interface Line {
  /** 1-based. */
  number: number;
  /** The record's bytes, without its LF (a view: copy it to keep it). */
  bytes: Buffer;
  /** The same with its LF (what the checksum covers). */
  withEnd: Buffer;
}

/**
 * Splits a byte stream into records of exactly `recordLength` bytes, each ended by LF, and
 * checks each is Latin-9 text. Holds at most one chunk plus one partial record. Each chunk's
 * records come as one array (one await per chunk, not per record: this is the hot path).
 */
export async function* readLines(source: AsyncIterable<Uint8Array>, recordLength: number): AsyncGenerator<Line[]> {
  let carry: Buffer = Buffer.alloc(0);
  let number = 0;
  for await (const chunk of source) {
    const data = carry.length > 0 ? Buffer.concat([carry, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const lines: Line[] = [];
    let start = 0;
    for (;;) {
      const end = data.indexOf(LF, start);
      if (end < 0) break;
      number++;
      lines.push(checkedLine(data.subarray(start, end), data.subarray(start, end + 1), number, recordLength));
      start = end + 1;
    }
    carry = data.subarray(start);
    // A line longer than a record cannot become valid by reading on: fail without buffering it.
    if (carry.length > recordLength) {
      if (lines.length > 0) yield lines;
      throw new FileFormatError('LINE_LENGTH', number + 1, `longer than ${recordLength} bytes`);
    }
    if (lines.length > 0) yield lines;
  }
  if (carry.length > 0)
    throw new FileFormatError(
      'LINE_LENGTH',
      number + 1,
      `truncated: ${carry.length} bytes and no end of line (a record is ${recordLength} bytes and LF)`,
    );
}

function checkedLine(bytes: Buffer, withEnd: Buffer, number: number, recordLength: number): Line {
  if (bytes.length !== recordLength) throw new FileFormatError('LINE_LENGTH', number, `${bytes.length} bytes instead of ${recordLength}`);
  const bad = firstNonTextByte(bytes);
  if (bad >= 0)
    throw new FileFormatError(
      'ENCODING',
      number,
      `byte 0x${bytes[bad]!.toString(16).padStart(2, '0')} at column ${bad + 1} is not ISO-8859-15 text`,
    );
  return { number, bytes, withEnd };
}

export interface ParsedDetail {
  line: number;
  values: Record<string, string>;
}

export interface FileSummary {
  header: Record<string, string>;
  count: number;
  checksum: string;
}

export function crcHex(crc: number): string {
  return (crc >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/**
 * Reads a whole file as a stream: the header first (`onHeader` may refuse it by throwing),
 * then yields each detail, and after the trailer checks the count and the CRC; returns the
 * summary. Every problem is a FileFormatError. Callers that must not act on a bad file (the
 * tax source) read it once to validate, then again to use it.
 */
export async function* readFile(
  source: AsyncIterable<Uint8Array>,
  spec: FileSpec,
  onHeader?: (header: Record<string, string>) => void,
): AsyncGenerator<ParsedDetail, FileSummary> {
  let header: Record<string, string> | undefined;
  let trailer: { count: string; checksum: string; line: number } | undefined;
  let count = 0;
  let crc = 0;
  for await (const lines of readLines(source, spec.recordLength)) {
    for (const line of lines) {
      if (trailer) throw new FileFormatError('AFTER_TRAILER', line.number, 'a record follows the trailer');
      const type = line.bytes.toString('latin1', 0, 2);
      if (!header) {
        if (type !== spec.header.recordType)
          throw new FileFormatError(
            'HEADER',
            line.number,
            `the first record must be a header (${spec.header.recordType}), not ${JSON.stringify(type)}`,
          );
        header = parseRecord(spec.header, line.bytes);
        try {
          onHeader?.(header);
        } catch (error) {
          throw new FileFormatError('HEADER', line.number, (error as Error).message);
        }
      } else if (type === TRAILER_TYPE) {
        const values = parseRecord(trailerLayout, line.bytes);
        trailer = { count: values['count']!, checksum: values['checksum']!, line: line.number };
        continue;
      } else if (type === spec.detail.recordType) {
        count++;
        yield { line: line.number, values: parseRecord(spec.detail, line.bytes) };
      } else {
        throw new FileFormatError('RECORD_TYPE', line.number, `unknown record type ${JSON.stringify(type)}`);
      }
      crc = crc32(line.withEnd, crc);
    }
  }
  if (!header) throw new FileFormatError('EMPTY', 0, 'the file is empty');
  if (!trailer) throw new FileFormatError('MISSING_TRAILER', count + 2, `no trailer (${TRAILER_TYPE}) after ${count} records`);
  if (!/^[0-9]{9}$/.test(trailer.count) || Number(trailer.count) !== count) {
    throw new FileFormatError(
      'TRAILER_COUNT',
      trailer.line,
      `the trailer announces ${JSON.stringify(trailer.count)} records, the file has ${count}`,
    );
  }
  if (trailer.checksum !== crcHex(crc))
    throw new FileFormatError(
      'CHECKSUM',
      trailer.line,
      `checksum ${JSON.stringify(trailer.checksum)} does not match the file's (${crcHex(crc)})`,
    );
  return { header, count, checksum: trailer.checksum };
}

/**
 * Writes a whole file as a stream of chunks (about 64 KiB each): header, one detail per item
 * of `details`, trailer. A detail that cannot be formatted throws its FieldError; callers
 * that want to leave such a record out format it first with `formatRecord` (tax-batch does).
 */
export async function* writeFile(
  spec: FileSpec,
  header: Values,
  details: AsyncIterable<Values> | Iterable<Values>,
): AsyncGenerator<Buffer> {
  const size = spec.recordLength + 1;
  const perChunk = Math.max(1, Math.floor(65_536 / size));
  let chunk = Buffer.allocUnsafe(size * perChunk);
  let used = 0;
  let crc = 0;
  let count = 0;
  const push = (layout: Layout, values: Values): void => {
    formatRecord(layout, values, spec.recordLength, chunk, used * size);
    crc = crc32(chunk.subarray(used * size, (used + 1) * size), crc);
    used++;
  };
  push(spec.header, header);
  // Synchronous sources are read without an await per record (the hot path of a large file).
  const iterator = Symbol.iterator in details ? details[Symbol.iterator]() : undefined;
  const asyncIterator = iterator ? undefined : (details as AsyncIterable<Values>)[Symbol.asyncIterator]();
  for (;;) {
    const next = iterator ? iterator.next() : await asyncIterator!.next();
    if (next.done) break;
    if (used === perChunk) {
      yield chunk;
      chunk = Buffer.allocUnsafe(size * perChunk);
      used = 0;
    }
    push(spec.detail, next.value);
    count++;
  }
  if (used === perChunk) {
    yield chunk;
    chunk = Buffer.allocUnsafe(size);
    used = 0;
  }
  formatRecord(trailerLayout, { count: String(count), checksum: crcHex(crc) }, spec.recordLength, chunk, used * size);
  yield chunk.subarray(0, (used + 1) * size);
}
