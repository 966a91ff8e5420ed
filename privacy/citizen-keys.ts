/**
 * Per-citizen data keys (docs/adr/0032): each citizen's personal data is sealed with a key of
 * their own, kept in `citizen_keys` wrapped by the master key. Erasing a citizen destroys the
 * wrapped key: every copy of their data — the store's, Kafka's, a backup's — stops opening at once,
 * which no deletion could promise of an append-only log.
 *
 * Unwrapped keys are cached per process (bounded, with a time to live: bounded-cache.ts); a key
 * this process erases is dropped at once, another process's erasure is seen when the entry expires.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { isUuid } from '../core/ids.ts';
import type { Queryable } from '../core/store/db.ts';
import { KEY_BYTES, open, seal } from './aead.ts';
import { BoundedCache } from './bounded-cache.ts';
import type { MasterKey } from './master-key.ts';

export interface DataKey {
  id: string;
  pivotId: string;
  key: Buffer;
}

/** What a key id opens to: the key, or the fact that it was erased (or never existed here). */
export type KeyLookup = DataKey | { erased: true };

const ERASED: KeyLookup = Object.freeze({ erased: true as const });

export interface CitizenKeysOptions {
  /** Unwrapped keys kept in memory (default 10,000). */
  cacheSize?: number;
  /** How long one stays cached (default 30 s): the longest another process's erasure may take to be seen. */
  cacheTtlMs?: number;
}

const wrapAad = (pivotId: string, keyId: string): string => `relais-data-key\n${pivotId}\n${keyId}`;

export class CitizenKeys {
  private readonly byId: BoundedCache<string, KeyLookup>;
  /** The live key's id per citizen, for sealing. */
  private readonly liveId: BoundedCache<string, string>;

  private readonly master: MasterKey;

  constructor(master: MasterKey, options: CitizenKeysOptions = {}) {
    this.master = master;
    const size = options.cacheSize ?? 10_000;
    const ttl = options.cacheTtlMs ?? 30_000;
    this.byId = new BoundedCache(size, ttl);
    this.liveId = new BoundedCache(size, ttl);
  }

  /** The citizen's live key, created on first use (inside the caller's transaction when it has one). */
  async sealingKey(db: Queryable, pivotId: string): Promise<DataKey> {
    return (await this.sealingKeys(db, [pivotId])).get(pivotId)!;
  }

  /** The live keys of these citizens, in one query for those not cached; missing ones are created. */
  async sealingKeys(db: Queryable, pivotIds: string[]): Promise<Map<string, DataKey>> {
    const found = new Map<string, DataKey>();
    for (const pivotId of new Set(pivotIds)) {
      const cachedId = this.liveId.get(pivotId);
      const cached = cachedId ? this.byId.get(cachedId) : undefined;
      if (cached && 'key' in cached) found.set(pivotId, cached);
    }
    const missing = [...new Set(pivotIds)].filter((pivotId) => !found.has(pivotId));
    if (missing.length === 0) return found;
    const live = await db.query<{ key_id: string; pivot_id: string; wrapped_key: Buffer }>(
      'SELECT key_id, pivot_id, wrapped_key FROM citizen_keys WHERE pivot_id = ANY($1::uuid[]) AND erased_at IS NULL',
      [missing],
    );
    for (const row of live.rows)
      found.set(
        row.pivot_id,
        this.remember({ id: row.key_id, pivotId: row.pivot_id, key: this.unwrap(row.pivot_id, row.key_id, row.wrapped_key) }),
      );
    // A key created now is not cached: the caller's transaction may still roll it back, and a
    // cached key that was never stored would seal data nothing can open.
    const absent = missing.filter((pivotId) => !found.has(pivotId));
    for (const created of absent.length > 0 ? await this.create(db, absent) : [])
      found.set(created.pivot_id, {
        id: created.key_id,
        pivotId: created.pivot_id,
        key: this.unwrap(created.pivot_id, created.key_id, created.wrapped_key),
      });
    return found;
  }

  /** The key a sealed payload names; `erased` when it was destroyed or is unknown to this store. */
  async openingKey(db: Queryable, keyId: string): Promise<KeyLookup> {
    return (await this.openingKeys(db, [keyId])).get(keyId)!;
  }

  /** The keys these ids name, in one query for those not cached. */
  async openingKeys(db: Queryable, keyIds: string[]): Promise<Map<string, KeyLookup>> {
    const found = new Map<string, KeyLookup>();
    for (const keyId of new Set(keyIds)) {
      const cached = this.byId.get(keyId);
      if (cached) found.set(keyId, cached);
    }
    const missing = [...new Set(keyIds)].filter((keyId) => !found.has(keyId) && isUuid(keyId));
    const rows = missing.length
      ? (
          await db.query<{ key_id: string; pivot_id: string; wrapped_key: Buffer | null }>(
            'SELECT key_id, pivot_id, wrapped_key FROM citizen_keys WHERE key_id = ANY($1::uuid[])',
            [missing],
          )
        ).rows
      : [];
    for (const row of rows) {
      if (row.wrapped_key) {
        found.set(
          row.key_id,
          this.remember({ id: row.key_id, pivotId: row.pivot_id, key: this.unwrap(row.pivot_id, row.key_id, row.wrapped_key) }),
        );
      } else {
        // Erased is for ever: safe to cache. An unknown id is not cached (its key may be committing now).
        this.byId.set(row.key_id, ERASED);
        found.set(row.key_id, ERASED);
      }
    }
    for (const keyId of keyIds) if (!found.has(keyId)) found.set(keyId, ERASED);
    return found;
  }

  /** Destroys the citizen's live key(s); the number destroyed (0 when there was none). Call inside the erasure's transaction. */
  async erase(db: Queryable, pivotId: string): Promise<number> {
    const erased = await db.query<{ key_id: string }>(
      `UPDATE citizen_keys SET wrapped_key = NULL, erased_at = now()
        WHERE pivot_id = $1 AND erased_at IS NULL RETURNING key_id`,
      [pivotId],
    );
    this.liveId.delete(pivotId);
    for (const { key_id } of erased.rows) this.byId.set(key_id, ERASED);
    return erased.rows.length;
  }

  /** New keys for these citizens, in one statement (and one more for those another writer raced). */
  private async create(db: Queryable, pivotIds: string[]): Promise<{ pivot_id: string; key_id: string; wrapped_key: Buffer }[]> {
    const keyIds = pivotIds.map(() => randomUUID());
    const wrapped = pivotIds.map((pivotId, i) => seal(this.master.key, randomBytes(KEY_BYTES), wrapAad(pivotId, keyIds[i]!)));
    // Two writers racing for the same citizen (two sources): the first key wins, the second reads it.
    const inserted = await db.query<{ pivot_id: string; key_id: string; wrapped_key: Buffer }>(
      `INSERT INTO citizen_keys (key_id, pivot_id, wrapped_key, master_id)
       SELECT k, p, w, $4 FROM unnest($1::uuid[], $2::uuid[], $3::bytea[]) AS t (k, p, w)
       ON CONFLICT (pivot_id) WHERE erased_at IS NULL DO NOTHING RETURNING pivot_id, key_id, wrapped_key`,
      [keyIds, pivotIds, wrapped, this.master.id],
    );
    const won = new Set(inserted.rows.map((row) => row.pivot_id));
    const raced = pivotIds.filter((pivotId) => !won.has(pivotId));
    if (raced.length === 0) return inserted.rows;
    const winners = await db.query<{ pivot_id: string; key_id: string; wrapped_key: Buffer }>(
      'SELECT pivot_id, key_id, wrapped_key FROM citizen_keys WHERE pivot_id = ANY($1::uuid[]) AND erased_at IS NULL',
      [raced],
    );
    return [...inserted.rows, ...winners.rows];
  }

  private unwrap(pivotId: string, keyId: string, wrapped: Buffer): Buffer {
    return open(this.master.key, Buffer.from(wrapped), wrapAad(pivotId, keyId));
  }

  private remember(key: DataKey): DataKey {
    this.byId.set(key.id, key);
    this.liveId.set(key.pivotId, key.id);
    return key;
  }
}
