/**
 * The tax batch file (Relais → tax office): address changes, one detail record per delivery,
 * carrying the Relais event id so the acknowledgement maps back. Layout in
 * docs/formats/tax-batch.md; the layout tables below are the normative copy.
 */
import { formatRecord, readFile, writeFile, type FileSpec, type FileSummary, type Values } from './fixed-width.ts';
import {
  addressFields,
  addressFrom,
  addressValues,
  fromFileDate,
  fromFileTimestamp,
  toFileDate,
  toFileTimestamp,
  type TaxAddress,
} from './address.ts';

export const BATCH_FORMAT = 'RELAISTX';

export const taxBatchSpec: FileSpec = {
  name: 'tax batch',
  recordLength: 400,
  header: {
    recordType: '01',
    fields: [
      ['format', 8],
      ['version', 2, 'numeric'],
      ['fileId', 36],
      ['createdAt', 14, 'numeric'],
      ['sender', 20],
    ],
  },
  detail: {
    recordType: '10',
    fields: [['sequence', 9, 'numeric'], ['eventId', 36], ['taxId', 13], ['effectiveDate', 8, 'numeric'], ...addressFields],
  },
};

export interface BatchHeader {
  fileId: string;
  createdAt: Date;
  sender?: string;
}

export interface BatchRecord {
  eventId: string;
  /** The taxpayer's tax number (numéro fiscal, 13 digits). */
  taxId: string;
  effectiveDate: string;
  address: TaxAddress;
}

export function batchHeaderValues(header: BatchHeader): Values {
  return {
    format: BATCH_FORMAT,
    version: '1',
    fileId: header.fileId,
    createdAt: toFileTimestamp(header.createdAt),
    sender: header.sender ?? 'RELAIS',
  };
}

export function batchDetailValues(record: BatchRecord, sequence: number): Values {
  return {
    sequence: String(sequence),
    eventId: record.eventId,
    taxId: record.taxId,
    effectiveDate: toFileDate(record.effectiveDate, 'effectiveDate'),
    ...addressValues(record.address),
  };
}

/**
 * Checks a record fits the format (characters, widths) without writing it anywhere: the sink
 * turns a FieldError into a rejection of that one delivery instead of a broken file.
 */
export function checkBatchRecord(record: BatchRecord): void {
  const scratch = Buffer.allocUnsafe(taxBatchSpec.recordLength + 1);
  formatRecord(taxBatchSpec.detail, batchDetailValues(record, 1), taxBatchSpec.recordLength, scratch, 0);
}

export function numbered<T>(
  records: AsyncIterable<T> | Iterable<T>,
  toValues: (record: T, sequence: number) => Values,
): AsyncIterable<Values> | Iterable<Values> {
  let sequence = 0;
  if (Symbol.iterator in records) {
    // Synchronous sources stay synchronous: an await per record would dominate the cost.
    return (function* () {
      for (const record of records) yield toValues(record, ++sequence);
    })();
  }
  return (async function* () {
    for await (const record of records) yield toValues(record, ++sequence);
  })();
}

export function writeTaxBatch(header: BatchHeader, records: AsyncIterable<BatchRecord> | Iterable<BatchRecord>): AsyncGenerator<Buffer> {
  return writeFile(taxBatchSpec, batchHeaderValues(header), numbered(records, batchDetailValues));
}

export function parseBatchHeader(values: Record<string, string>): { fileId: string; createdAt: string } {
  if (values['format'] !== BATCH_FORMAT) throw new Error(`not a ${BATCH_FORMAT} file`);
  if (values['version'] !== '01') throw new Error(`unsupported version ${JSON.stringify(values['version'])}`);
  return { fileId: values['fileId'] ?? '', createdAt: fromFileTimestamp(values['createdAt'], 'createdAt') };
}

/** A detail's values as a record; throws FieldError for a value the record cannot hold. */
export function batchRecordFrom(values: Record<string, string>): BatchRecord & { sequence: number } {
  return {
    sequence: Number(values['sequence']),
    eventId: values['eventId'] ?? '',
    taxId: values['taxId'] ?? '',
    effectiveDate: fromFileDate(values['effectiveDate'], 'effectiveDate'),
    address: addressFrom(values),
  };
}

/** Streams a batch file's details (raw values: the reader decides what a bad field means). */
export function readTaxBatch(
  source: AsyncIterable<Uint8Array>,
  onHeader?: (header: { fileId: string; createdAt: string }) => void,
): AsyncGenerator<{ line: number; values: Record<string, string> }, FileSummary> {
  return readFile(source, taxBatchSpec, (values) => onHeader?.(parseBatchHeader(values)));
}
