/**
 * The tax office's batch processing: takes each complete batch file from inbox/ (dot files are
 * uploads in progress and are never touched), validates the whole file, applies each record to
 * the store, and writes the acknowledgement to outbox/ under a temporary name then renames it.
 * The batch then moves to inbox/processed/. Files are streamed: memory does not grow with size.
 *
 * Record refusals (codes of docs/formats/tax-batch.md): E101 unknown taxpayer, E102 invalid
 * postcode, E103 invalid record, E104 duplicate in the file, E199 injected fault. A file that
 * breaks the format is refused whole (F201–F204) with no record applied.
 */
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { FieldError, FileFormatError, type FileErrorKind } from '../../protocols/tax/fixed-width.ts';
import { writeTaxAck, type AckRecord } from '../../protocols/tax/ack.ts';
import { batchRecordFrom, readTaxBatch } from '../../protocols/tax/batch.ts';
import type { TaxFaults } from './faults.ts';
import type { TaxStore } from './store.ts';

export const folders = { inbox: 'inbox', processed: 'inbox/processed', held: 'inbox/held', outbox: 'outbox', changes: 'changes' } as const;

const fileCodes: Partial<Record<FileErrorKind, [string, string]>> = {
  TRAILER_COUNT: ['F201', 'NOMBRE D ENREGISTREMENTS FAUX'],
  CHECKSUM: ['F202', 'SOMME DE CONTROLE FAUSSE'],
  HEADER: ['F204', 'ENTETE OU FORMAT INCONNU'],
};

export interface ProcessorOptions {
  root: string;
  store: TaxStore;
  faults: () => TaxFaults;
  /** A batch that could not be processed (it stays in the inbox and is tried again). */
  onError: (error: unknown) => void;
}

/** True for a postcode the tax office accepts for a French address. */
function validPostcode(postcode: string, country: string): boolean {
  if (country !== 'FR') return true;
  return /^[0-9]{5}$/.test(postcode) && !postcode.startsWith('00') && Number(postcode) < 98_900;
}

export class BatchProcessor {
  private running: Promise<void> = Promise.resolve();

  private readonly options: ProcessorOptions;

  constructor(options: ProcessorOptions) {
    this.options = options;
  }

  private path(...parts: string[]): string {
    return join(this.options.root, ...parts);
  }

  async prepare(): Promise<void> {
    for (const folder of [...Object.values(folders), 'changes/processed', 'changes/rejected', 'outbox/archive']) {
      await fs.mkdir(this.path(folder), { recursive: true });
    }
  }

  /** Processes every complete batch now in the inbox, one at a time (calls never overlap). */
  scan(): Promise<void> {
    this.running = this.running.then(() => this.scanOnce()).catch((error: unknown) => this.options.onError(error));
    return this.running;
  }

  private async scanOnce(): Promise<void> {
    const names = (await fs.readdir(this.path(folders.inbox), { withFileTypes: true }))
      .filter((e) => e.isFile() && !e.name.startsWith('.') && e.name.endsWith('.txt'))
      .map((e) => e.name)
      .sort();
    for (const name of names) await this.processFile(name);
  }

  private async processFile(name: string): Promise<void> {
    const faults = this.options.faults();
    if (faults.delayMs) await sleep(faults.delayMs);
    const file = this.path(folders.inbox, name);
    if (faults.withholdAcknowledgements) {
      await fs.rename(file, this.path(folders.held, name));
      return;
    }
    let fileId = '';
    let problem: FileFormatError | undefined;
    try {
      for await (const _ of readTaxBatch(createReadStream(file), (header) => (fileId = header.fileId))) void _;
    } catch (error) {
      if (!(error instanceof FileFormatError)) throw error;
      problem = error;
    }
    const ackName = `${name.replace(/\.txt$/, '')}.ack`;
    const header = { batchFile: name, batchFileId: fileId, processedAt: new Date() };
    const ack = problem ? writeTaxAck({ ...header, refused: this.fileRefusal(problem) }, []) : writeTaxAck(header, this.applyRecords(file));
    const temporary = this.path(folders.outbox, `.${ackName}.part`);
    await pipeline(Readable.from(ack), createWriteStream(temporary));
    await fs.rename(temporary, this.path(folders.outbox, ackName));
    await fs.rename(file, this.path(folders.processed, name));
    this.options.store.flush();
  }

  private fileRefusal(problem: FileFormatError): { code: string; reason: string } {
    const [code, text] = fileCodes[problem.kind] ?? ['F203', 'ENREGISTREMENT MAL FORME'];
    return { code, reason: `${text} (LIGNE ${problem.line})` };
  }

  /** Second pass over a valid file: applies each record and yields its acknowledgement. */
  private async *applyRecords(file: string): AsyncGenerator<AckRecord> {
    const seen = new Set<string>();
    const faults = this.options.faults();
    for await (const { values } of readTaxBatch(createReadStream(file))) {
      const eventId = values['eventId'] ?? '';
      const refuse = (code: string, reason: string): AckRecord => ({ eventId, status: 'refused', code, reason });
      if (seen.has(eventId)) {
        yield refuse('E104', 'ENREGISTREMENT EN DOUBLE DANS LE FICHIER');
        continue;
      }
      seen.add(eventId);
      if (faults.refuseEventIds?.includes(eventId) || (faults.refuseNext ?? 0) > 0) {
        if (faults.refuseNext) faults.refuseNext--;
        yield refuse('E199', 'REFUS SIMULE');
        continue;
      }
      let record;
      try {
        record = batchRecordFrom(values);
      } catch (error) {
        if (!(error instanceof FieldError)) throw error;
        yield refuse('E103', `ZONE ${error.field.toUpperCase()} INVALIDE`);
        continue;
      }
      if (!this.options.store.get(record.taxId)) yield refuse('E101', 'CONTRIBUABLE INCONNU');
      else if (!validPostcode(record.address.postcode, record.address.country)) yield refuse('E102', 'CODE POSTAL INVALIDE');
      else {
        this.options.store.applyAddress(record.taxId, record.eventId, record.effectiveDate, record.address);
        yield { eventId, status: 'accepted' };
      }
    }
  }
}
