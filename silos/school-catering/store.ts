/**
 * The billing software's own storage: families, the journal of write requests per family and
 * the responses kept for idempotency keys. In memory, persisted as one JSON file in a data
 * directory when one is given (temp file, fsync, rename). A mutation changes memory in one
 * synchronous step, then resolves once it is on disk, so nothing is answered that a restart
 * would lose.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { EntreeJournal, Famille, Operation } from './types.ts';

export const DATA_FILE_NAME = 'school-catering.json';

/** A 2xx response kept for an idempotency key, with the canonical body that produced it. */
export interface ReponseGardee {
  empreinte: string;
  famille: Famille;
}

interface Snapshot {
  version: 1;
  familles: Famille[];
  journal: Record<string, EntreeJournal[]>;
  reponses: Record<string, ReponseGardee>;
}

export function cleReponse(operation: Operation, numeroPersonne: string, cle: string): string {
  return JSON.stringify([operation, numeroPersonne, cle]);
}

export class SchoolCateringStore {
  readonly #familles = new Map<string, Famille>();
  readonly #journal = new Map<string, EntreeJournal[]>();
  readonly #reponses = new Map<string, ReponseGardee>();
  readonly #file: string | undefined;
  #writing: Promise<void> = Promise.resolve();

  private constructor(file: string | undefined) {
    this.#file = file;
  }

  static async open(dataDir?: string): Promise<SchoolCateringStore> {
    if (dataDir === undefined) return new SchoolCateringStore(undefined);
    await mkdir(dataDir, { recursive: true });
    const store = new SchoolCateringStore(path.join(dataDir, DATA_FILE_NAME));
    await store.#load();
    return store;
  }

  famille(numeroFamille: string): Famille | undefined {
    const famille = this.#familles.get(numeroFamille);
    return famille && structuredClone(famille);
  }

  /** The family that counts this person among its members. */
  familleDe(numeroPersonne: string): Famille | undefined {
    for (const famille of this.#familles.values()) {
      if (famille.membres.some((m) => m.numeroPersonne === numeroPersonne)) return structuredClone(famille);
    }
    return undefined;
  }

  journal(numeroFamille: string): EntreeJournal[] {
    return structuredClone(this.#journal.get(numeroFamille) ?? []);
  }

  reponse(cle: string): ReponseGardee | undefined {
    const reponse = this.#reponses.get(cle);
    return reponse && structuredClone(reponse);
  }

  /** Adds a family; false, changing nothing, when its number or one of its persons is taken. */
  async creer(famille: Famille): Promise<boolean> {
    if (this.#familles.has(famille.numeroFamille) || famille.membres.some((m) => this.familleDe(m.numeroPersonne))) return false;
    this.#familles.set(famille.numeroFamille, structuredClone(famille));
    await this.#persist();
    return true;
  }

  /** Records a write request; with `applied`, the new family and the response kept for its key. */
  async enregistrer(
    numeroFamille: string | undefined,
    entree: EntreeJournal,
    applied?: { famille: Famille; cle: string; empreinte: string },
  ): Promise<void> {
    if (applied) {
      this.#familles.set(applied.famille.numeroFamille, structuredClone(applied.famille));
      this.#reponses.set(applied.cle, { empreinte: applied.empreinte, famille: structuredClone(applied.famille) });
    }
    if (numeroFamille !== undefined)
      this.#journal.set(numeroFamille, [...(this.#journal.get(numeroFamille) ?? []), structuredClone(entree)]);
    await this.#persist();
  }

  async flush(): Promise<void> {
    await this.#writing;
  }

  async #load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.#file!, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const snapshot = JSON.parse(text) as Snapshot;
    if (snapshot.version !== 1 || !Array.isArray(snapshot.familles))
      throw new Error(`${this.#file}: not a school-catering data file (version 1)`);
    for (const famille of snapshot.familles) this.#familles.set(famille.numeroFamille, famille);
    for (const [numero, entrees] of Object.entries(snapshot.journal)) this.#journal.set(numero, entrees);
    for (const [cle, reponse] of Object.entries(snapshot.reponses)) this.#reponses.set(cle, reponse);
  }

  /** Writes run one after the other; each writes the state of memory at its turn. */
  #persist(): Promise<void> {
    const file = this.#file;
    if (file === undefined) return Promise.resolve();
    const run = this.#writing.then(() => this.#write(file));
    this.#writing = run.catch(() => undefined);
    return run;
  }

  async #write(file: string): Promise<void> {
    const snapshot: Snapshot = {
      version: 1,
      familles: [...this.#familles.values()],
      journal: Object.fromEntries(this.#journal),
      reponses: Object.fromEntries(this.#reponses),
    };
    const temp = `${file}.${randomUUID()}.tmp`;
    try {
      const handle = await open(temp, 'w');
      try {
        await handle.writeFile(JSON.stringify(snapshot), 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }
}
