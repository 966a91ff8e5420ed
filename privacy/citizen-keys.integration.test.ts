/**
 * Citizen keys in the store, on PostgreSQL and on the embedded store: a batch of first changes
 * gets its keys in one statement, a citizen keeps the key it has, and a key another writer
 * created first wins.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { createTestDatabase } from '@relais/connector-kit/testing';
import { CitizenKeys } from './citizen-keys.ts';
import { masterKeyOf } from './master-key.ts';
import { openValue, sealedPayloadOf, sealValue } from './sealed-data.ts';

for (const kind of ['postgres', 'pglite'] as const) {
  test(`${kind}: sealingKeys creates the missing keys together, reuses live ones, and yields to a raced key`, async () => {
    const database = await createTestDatabase(kind);
    try {
      const master = masterKeyOf(randomBytes(32));
      const keys = new CitizenKeys(master);
      const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
      const first = await keys.sealingKeys(database.db, [a, b, a]);
      assert.deepEqual([...first.keys()].sort(), [a, b].sort());
      const stored = await database.db.query<{ pivot_id: string; key_id: string }>('SELECT pivot_id, key_id FROM citizen_keys');
      assert.equal(stored.rows.length, 2);
      for (const row of stored.rows) assert.equal(first.get(row.pivot_id)!.id, row.key_id);

      // Another process created c's key first: this one reads it instead of making a second.
      const elsewhere = new CitizenKeys(master);
      const theirs = (await elsewhere.sealingKeys(database.db, [c])).get(c)!;
      const second = await keys.sealingKeys(database.db, [a, b, c]);
      assert.equal(second.get(a)!.id, first.get(a)!.id);
      assert.equal(second.get(c)!.id, theirs.id);
      assert.equal((await database.db.query('SELECT 1 FROM citizen_keys')).rows.length, 3);

      // The key read back opens what the created one sealed.
      const sealed = sealValue(first.get(b)!, 'change-1', { street: 'rue A' }, {});
      const reread = (await new CitizenKeys(master).sealingKeys(database.db, [b])).get(b)!;
      assert.deepEqual(openValue(reread, 'change-1', sealedPayloadOf(sealed)!), { street: 'rue A' });
    } finally {
      await database.drop();
    }
  });
}
