/**
 * waste-management file lister: the vendor's persons (usager) with their birth data, for
 * onboarding the population (`relais identities import waste-management --from-silo`). Keyset
 * pages on numero_usager (unique), so a listing resumed from a person's cursor goes on with the
 * next one, and a page never holds more than `pageSize` rows in memory.
 */
import type { Checkpoint, FileLister, SiloFile, SourceContext } from '@relais/connector-kit';
import type { WasteDatabase } from './client.ts';
import { toSiloFile } from './mapping.ts';

/** Rows per page: one query per 500 persons keeps round trips few and memory flat. */
const PAGE_SIZE = 500;

export function createWasteManagementFileLister(db: WasteDatabase, options: { pageSize?: number } = {}): FileLister {
  const pageSize = options.pageSize ?? PAGE_SIZE;
  return {
    async *list(after: Checkpoint | null, { signal }: SourceContext): AsyncGenerator<SiloFile> {
      let cursor: string | null = after;
      for (;;) {
        signal.throwIfAborted();
        const rows = await db.personsAfter(cursor, pageSize, signal);
        for (const row of rows) yield toSiloFile(row);
        if (rows.length < pageSize) return;
        cursor = rows.at(-1)!.numero_usager;
      }
    },
    close: () => db.close(),
  };
}
