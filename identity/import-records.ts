/**
 * The records an import reads (identity/population-import.ts), from an exported file or from the
 * silo itself (its connector's file lister), in one shape: a position (the file's line, the
 * listing's rank), the silo's identifier, the civil data or why they cannot be read. Both go
 * through the same field checks (civilOf), so a record the silo lists without a birth date is
 * reported like a file's line without one.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Logger } from '../core/logger.ts';
import type { CivilIdentity, SiloCivilData } from './civil-identity.ts';

/**
 * What an import needs of a connector's file lister: the kit's FileLister
 * (packages/connector-kit/src/contract.ts, where its contract is written) is one. Declared here
 * by its shape because identity/ builds on the kernel only, as the kit builds on identity/'s
 * IdentityResolver.
 */
export interface SiloListing {
  list(
    after: string | null,
    context: { signal: AbortSignal; logger: Logger },
  ): AsyncIterable<{
    localId: string;
    cursor: string;
    civil: SiloCivilData;
  }>;
  close?(): Promise<void>;
}

export interface ImportRecord {
  /** The file's line, or the record's rank in the silo's listing (1 for the first). */
  line: number;
  localId: string;
  civil?: CivilIdentity;
  /** Why the record could not be read (field and reason). */
  invalid?: string;
  /** Silo listings: resumes the listing after this record. */
  cursor?: string;
}

const FIELDS = ['id', 'birthName', 'givenNames', 'dateOfBirth', 'birthPlace', 'birthPlaceInsee', 'birthCountry'] as const;

/** A CSV line's fields (RFC 4180 quoting, comma-separated). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quoted && char === '"' && line[i + 1] === '"') {
      field += '"';
      i++;
    } else if (char === '"') quoted = !quoted;
    else if (char === ',' && !quoted) {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields;
}

/** The civil data of a record's fields (given names as one text, separated by ";" or ","), or what is wrong. */
function civilOf(values: Record<string, unknown>): CivilIdentity | string {
  const text = (name: string): string | undefined => (typeof values[name] === 'string' && values[name] !== '' ? values[name] : undefined);
  for (const name of ['birthName', 'givenNames', 'dateOfBirth', 'birthPlace', 'birthCountry']) if (!text(name)) return `${name}: required`;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text('dateOfBirth')!)) return 'dateOfBirth: YYYY-MM-DD expected';
  const insee = text('birthPlaceInsee');
  return {
    birthName: text('birthName')!,
    givenNames: text('givenNames')!
      .split(/[;,]/)
      .map((name) => name.trim())
      .filter(Boolean),
    dateOfBirth: text('dateOfBirth')!,
    placeOfBirth: { communeName: text('birthPlace')!, country: text('birthCountry')!, ...(insee ? { communeInsee: insee } : {}) },
  };
}

function recordOf(line: number, localId: string, values: Record<string, unknown>): ImportRecord {
  if (!localId) return { line, localId: '', invalid: 'id: required' };
  const civil = civilOf(values);
  return typeof civil === 'string' ? { line, localId, invalid: civil } : { line, localId, civil };
}

/**
 * The records of a file: CSV with a header naming the columns id, birthName, givenNames (given
 * names separated by ";"), dateOfBirth, birthPlace, birthPlaceInsee, birthCountry; or JSON Lines
 * (`.jsonl`/`.ndjson`) with the same fields.
 */
export async function* readRecords(file: string): AsyncGenerator<ImportRecord> {
  const jsonLines = /\.(jsonl|ndjson)$/i.test(file);
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let header: string[] | undefined;
  let number = 0;
  for await (const raw of lines) {
    number++;
    if (raw.trim() === '') continue;
    let values: Record<string, unknown>;
    if (jsonLines) {
      try {
        values = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        yield { line: number, localId: '', invalid: 'not a JSON object' };
        continue;
      }
    } else {
      if (!header) {
        header = csvFields(raw).map((h) => h.trim());
        const missing = FIELDS.filter((f) => f !== 'birthPlaceInsee' && !header!.includes(f));
        if (missing.length > 0) throw new Error(`${file}:1: the header lacks ${missing.join(', ')}`);
        continue;
      }
      const fields = csvFields(raw);
      values = Object.fromEntries(header.map((name, i) => [name, fields[i] ?? '']));
    }
    yield recordOf(number, typeof values['id'] === 'string' ? values['id'].trim() : '', values);
  }
}

/**
 * The records of the silo's listing after `after` (the cursor saved with the last committed
 * batch), ranked from `firstRank`: each keeps its cursor, saved in turn with its batch.
 */
export async function* listedRecords(
  lister: SiloListing,
  after: string | null,
  firstRank: number,
  context: { signal: AbortSignal; logger: Logger },
): AsyncGenerator<ImportRecord> {
  let rank = firstRank;
  for await (const file of lister.list(after, context)) {
    const { givenNames, ...civil } = file.civil;
    const values = { ...civil, ...(givenNames ? { givenNames: givenNames.join(';') } : {}) };
    yield { ...recordOf(rank++, file.localId.trim(), values), cursor: file.cursor };
  }
}
