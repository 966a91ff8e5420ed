/**
 * The register's storage: persons and the numbered log of life events. In memory, and persisted
 * as one JSON file in a data directory when one is given (temp file, fsync, rename: a restart
 * finds either the old or the new state, never half of one). Mutations change memory at once,
 * in one step, then resolve once the state is on disk, so an answer is never given for something
 * a restart would lose. Writes run one after the other.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import type { Evenement, Personne } from './types.ts';

export const DATA_FILE_NAME = 'civil-registry.json';

interface Snapshot {
  version: 1;
  personnes: Personne[];
  evenements: Evenement[];
}

export class RegistryStore {
  readonly #personnes = new Map<string, Personne>();
  readonly #evenements: Evenement[] = [];
  /** Events by act number: an act is read by the number the register gave it. */
  readonly #parActe = new Map<string, Evenement>();
  readonly #file: string | undefined;
  #writing: Promise<void> = Promise.resolve();

  private constructor(file: string | undefined) {
    this.#file = file;
  }

  static async open(dataDir?: string): Promise<RegistryStore> {
    if (dataDir === undefined) return new RegistryStore(undefined);
    await mkdir(dataDir, { recursive: true });
    const store = new RegistryStore(path.join(dataDir, DATA_FILE_NAME));
    let text: string | undefined;
    try {
      text = await readFile(store.#file!, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (text !== undefined) {
      const snapshot = JSON.parse(text) as Snapshot;
      if (snapshot.version !== 1 || !Array.isArray(snapshot.personnes) || !Array.isArray(snapshot.evenements)) {
        throw new Error(`${store.#file}: not a civil-registry data file`);
      }
      for (const personne of snapshot.personnes) store.#personnes.set(personne.identifiant, personne);
      store.#ajouterEvenements(snapshot.evenements);
    }
    return store;
  }

  personne(identifiant: string): Personne | undefined {
    const found = this.#personnes.get(identifiant);
    return found && structuredClone(found);
  }

  personnes(): Personne[] {
    return [...this.#personnes.values()].map((p) => structuredClone(p));
  }

  /** Events numbered above `after`, oldest first, at most `limit`. */
  evenementsApres(after: number, limit: number): Evenement[] {
    const start = this.#evenements.findIndex((e) => e.numero > after);
    return start === -1 ? [] : this.#evenements.slice(start, start + limit).map((e) => structuredClone(e));
  }

  /** The event recorded under this act number, if any. */
  evenementParActe(numeroActe: string): Evenement | undefined {
    const found = this.#parActe.get(numeroActe);
    return found && structuredClone(found);
  }

  dernierNumero(): number {
    return this.#evenements.at(-1)?.numero ?? 0;
  }

  /** Stores persons (new or changed) and appends events, in one step. */
  enregistrer(personnes: Personne[], evenements: Evenement[] = []): Promise<void> {
    for (const personne of personnes) this.#personnes.set(personne.identifiant, structuredClone(personne));
    this.#ajouterEvenements(evenements.map((e) => structuredClone(e)));
    return this.#persist();
  }

  #ajouterEvenements(evenements: Evenement[]): void {
    this.#evenements.push(...evenements);
    for (const evenement of evenements) this.#parActe.set(evenement.numeroActe, evenement);
  }

  /** Resolves once every mutation so far is on disk. */
  flush(): Promise<void> {
    return this.#writing;
  }

  #persist(): Promise<void> {
    const file = this.#file;
    if (file === undefined) return Promise.resolve();
    const text = JSON.stringify({ version: 1, personnes: [...this.#personnes.values()], evenements: this.#evenements } satisfies Snapshot);
    this.#writing = this.#writing.then(async () => {
      const temporary = `${file}.tmp`;
      const handle = await open(temporary, 'w');
      try {
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, file);
    });
    return this.#writing;
  }
}
