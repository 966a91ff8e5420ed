/**
 * The acknowledgement file (tax office → Relais): the answer to one batch file, one detail per
 * record of that batch — accepted, or refused with the tax office's code and reason. A batch the
 * tax office could not read at all gets a header with file status R and no details.
 * Layout in docs/formats/tax-batch.md.
 */
import { readFile, writeFile, FieldError, type FileSpec, type FileSummary, type Values } from './fixed-width.ts';
import { numbered } from './batch.ts';
import { fromFileTimestamp, toFileTimestamp } from './address.ts';

export const ACK_FORMAT = 'DGFIPACK';

export const taxAckSpec: FileSpec = {
  name: 'tax acknowledgement',
  recordLength: 200,
  header: {
    recordType: '01',
    fields: [
      ['format', 8],
      ['version', 2, 'numeric'],
      ['batchFile', 80],
      ['batchFileId', 36],
      ['processedAt', 14, 'numeric'],
      ['fileStatus', 1],
      ['code', 4],
      ['reason', 50],
    ],
  },
  detail: {
    recordType: '10',
    fields: [
      ['sequence', 9, 'numeric'],
      ['eventId', 36],
      ['status', 1],
      ['code', 4],
      ['reason', 80],
    ],
  },
};

export interface AckHeader {
  /** The acknowledged batch's file name (without directory). */
  batchFile: string;
  batchFileId: string;
  processedAt: Date | string;
  /** The whole file was refused (bad trailer, checksum…): no details follow. */
  refused?: { code: string; reason: string } | undefined;
}

export type AckRecord = { eventId: string; status: 'accepted' } | { eventId: string; status: 'refused'; code: string; reason: string };

export function ackHeaderValues(header: AckHeader): Values {
  const processedAt = typeof header.processedAt === 'string' ? new Date(header.processedAt) : header.processedAt;
  return {
    format: ACK_FORMAT,
    version: '1',
    batchFile: header.batchFile,
    batchFileId: header.batchFileId,
    processedAt: toFileTimestamp(processedAt),
    fileStatus: header.refused ? 'R' : 'A',
    code: header.refused?.code ?? '0000',
    reason: header.refused?.reason,
  };
}

export function ackDetailValues(record: AckRecord, sequence: number): Values {
  return record.status === 'accepted'
    ? { sequence: String(sequence), eventId: record.eventId, status: 'A', code: '0000' }
    : { sequence: String(sequence), eventId: record.eventId, status: 'R', code: record.code, reason: record.reason };
}

export function writeTaxAck(header: AckHeader, records: AsyncIterable<AckRecord> | Iterable<AckRecord>): AsyncGenerator<Buffer> {
  return writeFile(taxAckSpec, ackHeaderValues(header), numbered(records, ackDetailValues));
}

export function ackHeaderFrom(values: Record<string, string>): AckHeader {
  if (values['format'] !== ACK_FORMAT) throw new Error(`not a ${ACK_FORMAT} file`);
  if (values['version'] !== '01') throw new Error(`unsupported version ${JSON.stringify(values['version'])}`);
  const status = values['fileStatus'];
  if (status !== 'A' && status !== 'R') throw new Error('file status is neither A nor R');
  const header: AckHeader = {
    batchFile: values['batchFile'] ?? '',
    batchFileId: values['batchFileId'] ?? '',
    processedAt: fromFileTimestamp(values['processedAt'], 'processedAt'),
  };
  if (status === 'R') header.refused = { code: values['code'] ?? '', reason: values['reason'] ?? '' };
  return header;
}

export function ackRecordFrom(values: Record<string, string>): AckRecord {
  const eventId = values['eventId'] ?? '';
  if (values['status'] === 'A') return { eventId, status: 'accepted' };
  if (values['status'] === 'R') return { eventId, status: 'refused', code: values['code'] ?? '', reason: values['reason'] ?? '' };
  throw new FieldError('status', 'neither A nor R');
}

export interface ReadAck {
  header: AckHeader;
  records: AckRecord[];
  summary: FileSummary;
}

/**
 * Reads an acknowledgement whole. An acknowledgement holds one short line per record of a
 * batch the connector sized (RELAIS_TAX_BATCH_MAX_RECORDS), so holding its records is bounded.
 */
export async function readTaxAck(source: AsyncIterable<Uint8Array>): Promise<ReadAck> {
  let header: AckHeader | undefined;
  const records: AckRecord[] = [];
  const reader = readFile(source, taxAckSpec, (values) => (header = ackHeaderFrom(values)));
  for (;;) {
    const next = await reader.next();
    if (next.done) return { header: header!, records, summary: next.value };
    records.push(ackRecordFrom(next.value.values));
  }
}
