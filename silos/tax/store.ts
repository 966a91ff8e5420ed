/**
 * The tax office's own data: taxpayers by tax number (numéro fiscal), each with a current
 * address and the history of changes applied, and the Relais event ids already applied (the
 * idempotency key of a batch record). Kept in memory, saved as JSON in the data directory.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TaxAddress } from '../../protocols/tax/address.ts';

export interface Taxpayer {
  taxId: string;
  /** Family name, for the simulator's own screens; never logged. */
  name: string;
  address: TaxAddress;
  history: { eventId: string; effectiveDate: string; appliedAt: string }[];
}

interface Saved {
  taxpayers: Taxpayer[];
  appliedEvents: string[];
}

export class TaxStore {
  private readonly taxpayers = new Map<string, Taxpayer>();
  private readonly applied = new Set<string>();

  private readonly file: string | undefined;

  private constructor(file: string | undefined) {
    this.file = file;
  }

  static open(dataDir?: string): TaxStore {
    const store = new TaxStore(dataDir ? join(dataDir, 'taxpayers.json') : undefined);
    if (store.file && existsSync(store.file)) {
      const saved = JSON.parse(readFileSync(store.file, 'utf8')) as Saved;
      for (const t of saved.taxpayers) store.taxpayers.set(t.taxId, t);
      for (const id of saved.appliedEvents) store.applied.add(id);
    }
    return store;
  }

  get(taxId: string): Taxpayer | undefined {
    return this.taxpayers.get(taxId);
  }

  /** Adds a taxpayer unless one with that tax number exists; true when added. */
  add(taxpayer: Omit<Taxpayer, 'history'>): boolean {
    if (this.taxpayers.has(taxpayer.taxId)) return false;
    this.taxpayers.set(taxpayer.taxId, { ...taxpayer, history: [] });
    return true;
  }

  wasApplied(eventId: string): boolean {
    return this.applied.has(eventId);
  }

  /** Applies an address change once per event id; false when it was applied before. */
  applyAddress(taxId: string, eventId: string, effectiveDate: string, address: TaxAddress): boolean {
    const taxpayer = this.taxpayers.get(taxId);
    if (!taxpayer) throw new Error('unknown taxpayer');
    if (this.applied.has(eventId)) return false;
    taxpayer.address = address;
    taxpayer.history.push({ eventId, effectiveDate, appliedAt: new Date().toISOString() });
    this.applied.add(eventId);
    return true;
  }

  flush(): void {
    if (!this.file) return;
    mkdirSync(join(this.file, '..'), { recursive: true });
    const saved: Saved = { taxpayers: [...this.taxpayers.values()], appliedEvents: [...this.applied] };
    writeFileSync(`${this.file}.tmp`, JSON.stringify(saved));
    renameSync(`${this.file}.tmp`, this.file);
  }
}
