/**
 * The tax office's change file (tax office → Relais): addresses declared to the tax office,
 * for Relais to tell the other administrations. Layout in docs/formats/tax-batch.md.
 */
import {
  FieldError,
  FileFormatError,
  parseRecord,
  readFile,
  readLines,
  writeFile,
  type FileSpec,
  type FileSummary,
  type Values,
} from './fixed-width.ts';
import { numbered } from './batch.ts';
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

export const CHANGES_FORMAT = 'DGFIPCHG';

export const taxChangesSpec: FileSpec = {
  name: 'tax change file',
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
    fields: [
      ['sequence', 9, 'numeric'],
      ['reference', 20],
      ['taxId', 13],
      ['effectiveDate', 8, 'numeric'],
      ['declaredAt', 14, 'numeric'],
      ...addressFields,
    ],
  },
};

export interface ChangesHeader {
  fileId: string;
  createdAt: Date;
  sender?: string;
}

export interface ChangeRecord {
  /** The tax office's own reference of the declaration: stable, unique. */
  reference: string;
  taxId: string;
  effectiveDate: string;
  /** RFC 3339, when the taxpayer declared it. */
  declaredAt: string;
  address: TaxAddress;
}

export function changeDetailValues(record: ChangeRecord, sequence: number): Values {
  return {
    sequence: String(sequence),
    reference: record.reference,
    taxId: record.taxId,
    effectiveDate: toFileDate(record.effectiveDate, 'effectiveDate'),
    declaredAt: toFileTimestamp(new Date(record.declaredAt)),
    ...addressValues(record.address),
  };
}

export function writeTaxChanges(
  header: ChangesHeader,
  records: AsyncIterable<ChangeRecord> | Iterable<ChangeRecord>,
): AsyncGenerator<Buffer> {
  const headerValues = {
    format: CHANGES_FORMAT,
    version: '1',
    fileId: header.fileId,
    createdAt: toFileTimestamp(header.createdAt),
    sender: header.sender ?? 'DGFIP',
  };
  return writeFile(taxChangesSpec, headerValues, numbered(records, changeDetailValues));
}

export function checkChangesHeader(values: Record<string, string>): void {
  if (values['format'] !== CHANGES_FORMAT) throw new Error(`not a ${CHANGES_FORMAT} file`);
  if (values['version'] !== '01') throw new Error(`unsupported version ${JSON.stringify(values['version'])}`);
  fromFileTimestamp(values['createdAt'], 'createdAt');
}

/** A detail's values as a record; throws FieldError for a value the record cannot hold. */
export function changeRecordFrom(values: Record<string, string>): ChangeRecord & { sequence: number } {
  const reference = values['reference'];
  const taxId = values['taxId'];
  if (!reference) throw new FieldError('reference', 'is blank');
  if (!taxId || !/^[0-9]{13}$/.test(taxId)) throw new FieldError('taxId', 'is not 13 digits');
  return {
    sequence: Number(values['sequence']),
    reference,
    taxId,
    effectiveDate: fromFileDate(values['effectiveDate'], 'effectiveDate'),
    declaredAt: fromFileTimestamp(values['declaredAt'], 'declaredAt'),
    address: addressFrom(values),
  };
}

/** Streams a change file's records; any problem, of format or of a field, is a FileFormatError. */
export async function* readTaxChanges(
  source: AsyncIterable<Uint8Array>,
): AsyncGenerator<ChangeRecord & { sequence: number; line: number }, FileSummary> {
  const reader = readFile(source, taxChangesSpec, checkChangesHeader);
  for (;;) {
    const next = await reader.next();
    if (next.done) return next.value;
    let record: ChangeRecord & { sequence: number };
    try {
      record = changeRecordFrom(next.value.values);
    } catch (error) {
      if (error instanceof FieldError) throw new FileFormatError('FIELD', next.value.line, error.message);
      throw error;
    }
    yield { ...record, line: next.value.line };
  }
}

/** Byte offset of the detail record with this sequence number (the header is record 1). */
export function changeRecordOffset(sequence: number): number {
  return sequence * (taxChangesSpec.recordLength + 1);
}

/**
 * Up to `count` records of a change file ALREADY VALIDATED WHOLE, read from a stream that starts
 * at changeRecordOffset(first): a page costs its own records only, whatever the file's size.
 */
export async function readChangePage(
  bytesFromRecord: AsyncIterable<Uint8Array>,
  count: number,
): Promise<{ records: ChangeRecord[]; last: boolean }> {
  const records: ChangeRecord[] = [];
  for await (const lines of readLines(bytesFromRecord, taxChangesSpec.recordLength)) {
    for (const line of lines) {
      if (line.bytes.toString('latin1', 0, 2) !== taxChangesSpec.detail.recordType) return { records, last: true };
      if (records.length === count) return { records, last: false };
      records.push(changeRecordFrom(parseRecord(taxChangesSpec.detail, line.bytes)));
    }
  }
  return { records, last: true };
}
