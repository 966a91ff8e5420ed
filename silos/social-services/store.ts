/**
 * The simulator's own storage: beneficiaries' files, the journal of write requests and the
 * responses kept for idempotency keys. In memory, and persisted as one JSON file in a data
 * directory when one is given (written atomically: temp file, fsync, rename).
 *
 * Every mutation changes the memory synchronously, in one step, then returns a promise that
 * resolves once the change is on disk: a caller that awaits it before answering never answers
 * for something a restart would lose, and a write is either applied fully or not at all.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Dossier, EntreeJournal, OperationEcriture, ReponseEnregistree } from './types.ts';

export const DATA_FILE_NAME = 'social-services.json';

interface Snapshot {
  version: 1;
  dossiers: Dossier[];
  journal: Record<string, EntreeJournal[]>;
  idempotence: Record<string, ReponseEnregistree>;
}

/** What an idempotency key is scoped to: one operation on one file. */
export interface IdempotenceScope {
  operation: OperationEcriture;
  numeroDossier: string;
  idempotencyKey: string;
}

/** An applied write: the new state of the file, the response kept for its key, its journal entry. */
export interface EcritureAppliquee {
  dossier: Dossier;
  scope: IdempotenceScope;
  reponse: ReponseEnregistree;
  entree: EntreeJournal;
}

export interface StoreOptions {
  /** Directory holding the JSON file; absent, the store lives in memory only. */
  dataDir?: string;
}

function scopeKey(scope: IdempotenceScope): string {
  return JSON.stringify([scope.operation, scope.numeroDossier, scope.idempotencyKey]);
}

function isSnapshot(value: unknown): value is Snapshot {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    candidate['version'] === 1 &&
    Array.isArray(candidate['dossiers']) &&
    typeof candidate['journal'] === 'object' &&
    candidate['journal'] !== null &&
    typeof candidate['idempotence'] === 'object' &&
    candidate['idempotence'] !== null
  );
}

export class SocialServicesStore {
  readonly #dossiers = new Map<string, Dossier>();
  readonly #journal = new Map<string, EntreeJournal[]>();
  readonly #idempotence = new Map<string, ReponseEnregistree>();
  readonly #file: string | undefined;
  /** The last write started or queued; writes run one after the other. */
  #writing: Promise<void> = Promise.resolve();
  /** A write queued but not started yet: later mutations ride on it. */
  #queued: Promise<void> | undefined;

  private constructor(file: string | undefined) {
    this.#file = file;
  }

  /** Opens the store, loading the data file from `dataDir` if there is one. */
  static async open(options: StoreOptions = {}): Promise<SocialServicesStore> {
    if (options.dataDir === undefined) return new SocialServicesStore(undefined);
    await mkdir(options.dataDir, { recursive: true });
    const store = new SocialServicesStore(path.join(options.dataDir, DATA_FILE_NAME));
    await store.#load();
    return store;
  }

  /** A store in memory only. */
  static inMemory(): SocialServicesStore {
    return new SocialServicesStore(undefined);
  }

  /** The JSON file the store is persisted to, if any. */
  get dataFile(): string | undefined {
    return this.#file;
  }

  getDossier(numeroDossier: string): Dossier | undefined {
    const dossier = this.#dossiers.get(numeroDossier);
    return dossier === undefined ? undefined : structuredClone(dossier);
  }

  /**
   * Up to `limite` files numbered after `apres` (all when null), by number: the keyset the list
   * route pages on. Sorted on each call: a simulator's few thousand files, not a real index.
   */
  listDossiers(apres: string | null, limite: number): Dossier[] {
    const numeros = [...this.#dossiers.keys()].filter((n) => apres === null || n > apres).sort();
    return numeros.slice(0, limite).map((n) => structuredClone(this.#dossiers.get(n)!));
  }

  hasDossier(numeroDossier: string): boolean {
    return this.#dossiers.has(numeroDossier);
  }

  /** The write requests received for a file, in the order they were handled. */
  listJournal(numeroDossier: string): EntreeJournal[] {
    return structuredClone(this.#journal.get(numeroDossier) ?? []);
  }

  hasJournal(numeroDossier: string): boolean {
    return this.#journal.has(numeroDossier);
  }

  findReponse(scope: IdempotenceScope): ReponseEnregistree | undefined {
    const reponse = this.#idempotence.get(scopeKey(scope));
    return reponse === undefined ? undefined : structuredClone(reponse);
  }

  /** Adds a new file; resolves to false, changing nothing, if one already has its number. */
  async createDossier(dossier: Dossier): Promise<boolean> {
    if (this.#dossiers.has(dossier.numeroDossier)) return false;
    this.#dossiers.set(dossier.numeroDossier, structuredClone(dossier));
    await this.#persist();
    return true;
  }

  /** Replaces a file that exists (a change made at the desk: no idempotency key, no journal entry). */
  async replaceDossier(dossier: Dossier): Promise<void> {
    if (!this.#dossiers.has(dossier.numeroDossier)) throw new Error(`no file ${dossier.numeroDossier}`);
    this.#dossiers.set(dossier.numeroDossier, structuredClone(dossier));
    await this.#persist();
  }

  /** Records a write request that changed nothing (refused, failed or replayed). */
  async appendJournal(numeroDossier: string, entree: EntreeJournal): Promise<void> {
    this.#append(numeroDossier, entree);
    await this.#persist();
  }

  /** Applies a write in one step: new state of the file, kept response and journal entry. */
  async commitEcriture(ecriture: EcritureAppliquee): Promise<void> {
    const numeroDossier = ecriture.dossier.numeroDossier;
    this.#dossiers.set(numeroDossier, structuredClone(ecriture.dossier));
    this.#idempotence.set(scopeKey(ecriture.scope), structuredClone(ecriture.reponse));
    this.#append(numeroDossier, ecriture.entree);
    await this.#persist();
  }

  /** Resolves once every change made so far is on disk. */
  async flush(): Promise<void> {
    await (this.#queued ?? this.#writing);
  }

  #append(numeroDossier: string, entree: EntreeJournal): void {
    const entrees = this.#journal.get(numeroDossier) ?? [];
    entrees.push(structuredClone(entree));
    this.#journal.set(numeroDossier, entrees);
  }

  async #load(): Promise<void> {
    if (this.#file === undefined) return;
    let text: string;
    try {
      text = await readFile(this.#file, 'utf8');
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return;
      throw error;
    }
    const parsed: unknown = JSON.parse(text);
    if (!isSnapshot(parsed)) throw new Error(`${this.#file}: not a social-services data file (version 1)`);
    for (const dossier of parsed.dossiers) this.#dossiers.set(dossier.numeroDossier, dossier);
    for (const [numeroDossier, entrees] of Object.entries(parsed.journal)) this.#journal.set(numeroDossier, entrees);
    for (const [key, reponse] of Object.entries(parsed.idempotence)) this.#idempotence.set(key, reponse);
  }

  #persist(): Promise<void> {
    if (this.#file === undefined) return Promise.resolve();
    if (this.#queued !== undefined) return this.#queued;
    const file = this.#file;
    const run = this.#writing.then(() => {
      this.#queued = undefined;
      return this.#write(file);
    });
    this.#queued = run;
    this.#writing = run.catch(() => undefined);
    return run;
  }

  async #write(file: string): Promise<void> {
    const snapshot: Snapshot = {
      version: 1,
      dossiers: [...this.#dossiers.values()],
      journal: Object.fromEntries(this.#journal),
      idempotence: Object.fromEntries(this.#idempotence),
    };
    const text = JSON.stringify(snapshot, null, 2);
    const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
    try {
      const handle = await open(temp, 'w');
      try {
        await handle.writeFile(text, 'utf8');
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
