/**
 * The outbox relay's own reading of its health: a round that never finishes (a store or broker
 * that accepts and never answers) reads as trouble once it outlives the limit, like a streak of
 * failed rounds; a relay between rounds reads as healthy. Pure logic: the store here is one
 * whose queries never answer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Bus } from '../core/bus/types.ts';
import { createLogger } from '../core/logger.ts';
import type { Db } from '../core/store/db.ts';
import { OutboxRelay } from './outbox-relay.ts';

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);
const hungStore: Db = {
  kind: 'postgres',
  query: never,
  transaction: never,
  exec: never,
  withSession: never,
  close: async () => undefined,
};

test('a hung round reads as trouble once it outlives the limit', async () => {
  const relay = new OutboxRelay({
    db: hungStore,
    bus: {} as Bus,
    logger: createLogger({ component: 'test', level: 'silent' }),
    batchSize: 10,
    pollMs: 10,
    leaseMs: 1000,
  });
  assert.equal(relay.trouble(50), undefined, 'not started: no trouble');
  relay.start();
  await sleep(20);
  // A generous limit here: on a loaded machine (CI) the 20 ms sleep may last 70.
  assert.equal(relay.trouble(10_000), undefined, 'a round under way is not trouble yet');
  await sleep(60);
  assert.match(relay.trouble(50) ?? '', /a publishing round has run for \d+ ms without finishing/);
  assert.equal(relay.stats.consecutiveFailures, 0, 'no round failed: only the hang tells');
});
