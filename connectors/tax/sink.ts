/**
 * tax sink: the runtime hands it one window of address changes at a time (batchWindow); it
 * writes them as one batch file, uploads it to the tax office's inbox under a temporary name
 * and renames it, and answers `handed_over` with the file's name. The receipts follow the tax
 * office's acknowledgement files, which `acknowledgements.poll` collects from the outbox:
 *
 *   checkpoint = the acknowledgement files already reported (JSON list of names). A poll first
 *   archives those (outbox/archive/), then reads the next files and returns their answers with
 *   a checkpoint naming them. The runtime saves it only after the receipts are out, so a crash
 *   in between re-reads the same files (same receipts again), never loses one.
 */
import { randomUUID } from 'node:crypto';
import {
  type Acknowledgement,
  type AcknowledgementPoll,
  asCheckpoint,
  type Checkpoint,
  type Delivery,
  MappingError,
  RelaisError,
  type Sink,
  type SinkOutcome,
} from '@relais/connector-kit';
import { FieldError, FileFormatError } from '../../protocols/tax/fixed-width.ts';
import { toFileTimestamp } from '../../protocols/tax/address.ts';
import { readTaxAck } from '../../protocols/tax/ack.ts';
import { checkBatchRecord, writeTaxBatch, type BatchRecord } from '../../protocols/tax/batch.ts';
import type { TaxSftpClient } from './client.ts';
import type { TaxSinkSettings } from './config.ts';
import { toAcknowledgements, toBatchRecord } from './mapping.ts';

export const remote = { inbox: '/inbox', outbox: '/outbox', archive: '/outbox/archive' } as const;

/** Acknowledgement files read per poll (each is one batch's answer). */
const ACK_FILES_PER_POLL = 20;

function readCheckpoint(checkpoint: Checkpoint | null): string[] {
  if (checkpoint === null) return [];
  const names = JSON.parse(checkpoint) as unknown;
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string'))
    throw new RelaisError('CONNECTOR_FAILED', 'the tax acknowledgement checkpoint is not a list of file names');
  return names;
}

/** The record, or the reason it cannot be written (the delivery is then rejected alone). */
function recordOf(delivery: Delivery): BatchRecord | { rejected: string } {
  try {
    const record = toBatchRecord(delivery);
    checkBatchRecord(record);
    return record;
  } catch (error) {
    if (error instanceof MappingError) return { rejected: `tax mapping: ${error.message}` };
    if (error instanceof FieldError) return { rejected: `tax format: ${error.message}` };
    throw error;
  }
}

export function createTaxSink(client: TaxSftpClient, settings: TaxSinkSettings): Sink {
  return {
    batchWindow: { maxRecords: settings.maxRecords, maxAgeMs: settings.maxAgeMs, timeoutMs: settings.uploadTimeoutMs },

    async apply(): Promise<SinkOutcome> {
      throw new RelaisError('CONNECTOR_FAILED', 'the tax sink takes batches only (the runtime calls applyBatch)');
    },

    async applyBatch(deliveries, { signal }): Promise<SinkOutcome[]> {
      const mapped = deliveries.map(recordOf);
      const records = mapped.filter((m): m is BatchRecord => !('rejected' in m));
      if (records.length === 0) return mapped.map((m) => ({ status: 'rejected', reason: (m as { rejected: string }).rejected }));
      const fileId = randomUUID();
      const name = `RELAIS_${toFileTimestamp(new Date())}_${fileId}.txt`;
      await client.upload(remote.inbox, name, writeTaxBatch({ fileId, createdAt: new Date() }, records), signal);
      return mapped.map((m) => ('rejected' in m ? { status: 'rejected', reason: m.rejected } : { status: 'handed_over', reference: name }));
    },

    acknowledgements: {
      pollIntervalMs: settings.ackPollMs,
      deadlineMs: settings.ackDeadlineMs,
      async poll(checkpoint, { logger, signal }): Promise<AcknowledgementPoll> {
        for (const name of readCheckpoint(checkpoint)) await client.move(`${remote.outbox}/${name}`, `${remote.archive}/${name}`, signal);
        const files = (await client.list(remote.outbox, '.ack', signal)).slice(0, ACK_FILES_PER_POLL);
        const acknowledgements: Acknowledgement[] = [];
        const read: string[] = [];
        for (const file of files) {
          try {
            const ack = await client.read(`${remote.outbox}/${file.name}`, 0, readTaxAck, signal);
            acknowledgements.push(
              ...toAcknowledgements({ ...ack.header, batchFile: ack.header.batchFile || file.name.replace(/\.ack$/, '.txt') }, ack.records),
            );
          } catch (error) {
            if (!(error instanceof FileFormatError)) throw error;
            // An unreadable answer is archived unread: its deliveries reach their deadline and are dead-lettered.
            logger.error(
              { file: file.name, error: error.message },
              'unreadable tax acknowledgement file: archived; its deliveries will be dead-lettered at the deadline',
            );
          }
          read.push(file.name);
        }
        return { acknowledgements, checkpoint: read.length > 0 || checkpoint !== null ? asCheckpoint(JSON.stringify(read)) : null };
      },
    },

    close: () => client.close(),
  };
}
