/**
 * tax source: collects the tax office's change files (addresses declared to it) from changes/
 * and publishes each declaration as a canonical address-changed event. A file is validated
 * whole first — record lengths, encoding, record types, every field, the canonical schema,
 * trailer count, checksum — and a bad one is moved to changes/rejected/ beside a `.reason` file,
 * with nothing of it published. A good one is published in pages (constant memory for any
 * size), then moved to changes/processed/.
 *
 * Checkpoint (opaque to the runtime): `{ "file": name, "next": n }` while a file is being
 * published (n: the next record's sequence), `{ "file": name, "done": true }` once its last page
 * is out. The move to processed/ happens at the next poll, after the runtime saved that
 * checkpoint: a crash re-publishes at most one page, with the same event ids (recordKey is the
 * tax office's reference of the declaration).
 */
import {
  asCheckpoint,
  type Checkpoint,
  type PollResult,
  RelaisError,
  type Source,
  type SourceContext,
  validateEventData,
} from '@relais/connector-kit';
import { FileFormatError } from '../../protocols/tax/fixed-width.ts';
import { changeRecordOffset, readChangePage, readTaxChanges } from '../../protocols/tax/changes.ts';
import type { TaxSftpClient } from './client.ts';
import type { TaxSourceSettings } from './config.ts';
import { toSourceEvent } from './mapping.ts';

export const changesDir = { inbox: '/changes', processed: '/changes/processed', rejected: '/changes/rejected' } as const;

interface Position {
  file: string;
  next?: number;
  done?: boolean;
}

function position(checkpoint: Checkpoint | null): Position | null {
  if (checkpoint === null) return null;
  const value = JSON.parse(checkpoint) as Partial<Position>;
  if (typeof value.file !== 'string') throw new RelaisError('CONNECTOR_FAILED', 'the tax source checkpoint names no file');
  return value as Position;
}

const save = (p: Position): Checkpoint => asCheckpoint(JSON.stringify(p));

/** Reads a whole change file; throws FileFormatError for the first problem, naming its line. */
export async function validateChangeFile(bytes: AsyncIterable<Buffer>): Promise<number> {
  const reader = readTaxChanges(bytes);
  for (;;) {
    const next = await reader.next();
    if (next.done) return next.value.count;
    const event = toSourceEvent(next.value);
    const issues = validateEventData(event.type, event.data);
    if (issues.length > 0)
      throw new FileFormatError(
        'FIELD',
        next.value.line,
        `the declaration breaks ${event.type}: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`,
      );
  }
}

export function createTaxSource(client: TaxSftpClient, settings: TaxSourceSettings): Source {
  async function reject(name: string, problem: FileFormatError, context: SourceContext): Promise<void> {
    const reason = `${name}: ${problem.message}`;
    await client.writeText(`${changesDir.rejected}/${name}.reason`, `${reason}\n`, context.signal);
    await client.move(`${changesDir.inbox}/${name}`, `${changesDir.rejected}/${name}`, context.signal);
    context.logger.error(
      { file: name, kind: problem.kind, line: problem.line },
      'tax change file rejected: moved to changes/rejected/, nothing published',
    );
  }

  /** The first valid file waiting in changes/, rejecting the invalid ones before it. */
  async function nextValidFile(context: SourceContext): Promise<string | undefined> {
    for (const file of await client.list(changesDir.inbox, '.txt', context.signal)) {
      try {
        await client.read(`${changesDir.inbox}/${file.name}`, 0, validateChangeFile, context.signal);
        return file.name;
      } catch (error) {
        if (!(error instanceof FileFormatError)) throw error;
        await reject(file.name, error, context);
      }
    }
    return undefined;
  }

  return {
    async poll(checkpoint, context): Promise<PollResult> {
      let at = position(checkpoint);
      if (at?.done) {
        await client.move(`${changesDir.inbox}/${at.file}`, `${changesDir.processed}/${at.file}`, context.signal);
        at = null;
      }
      const file = at?.file ?? (await nextValidFile(context));
      if (file === undefined) return { events: [], checkpoint };
      const from = at?.next ?? 1;
      // The file was validated whole: a page starts at its first record's byte offset.
      const { records, last } = await client.read(
        `${changesDir.inbox}/${file}`,
        changeRecordOffset(from),
        (bytes) => readChangePage(bytes, settings.pageSize),
        context.signal,
      );
      const events = records.map(toSourceEvent);
      return { events, checkpoint: save(last ? { file, done: true } : { file, next: from + events.length }) };
    },
    close: () => client.close(),
  };
}
