/**
 * The pause gate's decisions (pause.ts) against a store stand-in that counts its reads: the flag
 * is read in the background, never on a batch's path; the first batch waits for the first read;
 * a pause holds batches until it is lifted; a failed read keeps the last known state.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../../../../core/logger.ts';
import type { Queryable } from '../../../../core/store/db.ts';
import { pauseGate } from './pause.ts';

const logger = createLogger({ component: 'test', level: 'silent' });

/** A store whose `connector_pauses` holds the system while `paused` is true. */
function store(options: { readMs?: number } = {}) {
  const state = { paused: false, failing: false, reads: 0 };
  const db = {
    async query(sql: string) {
      assert.match(sql, /FROM connector_pauses/);
      state.reads++;
      if (options.readMs) await sleep(options.readMs);
      if (state.failing) throw new Error('store unreachable');
      return { rows: state.paused ? [{}] : [], rowCount: state.paused ? 1 : 0 };
    },
  } as unknown as Queryable;
  return { db, state };
}

test('batches pass without a read of their own: one background read per period', async () => {
  const { db, state } = store();
  const gate = pauseGate(db, 'social-services', logger, 200);
  try {
    const stop = new AbortController();
    for (let i = 0; i < 50; i++) assert.equal(await gate.passed(stop.signal), true);
    // One read, or two if the machine stalled past a period: never one per batch.
    assert.ok(state.reads <= 2, `fifty batches, ${state.reads} read(s)`);
    await sleep(650);
    assert.ok(state.reads >= 2 && state.reads <= 5, `reads every period in the background (${state.reads})`);
  } finally {
    gate.close();
  }
});

test('the first batch waits for the first read: a connector restarted while paused applies nothing', async () => {
  const { db, state } = store({ readMs: 80 });
  state.paused = true;
  const gate = pauseGate(db, 'social-services', logger, 50);
  try {
    let passed = false;
    const waiting = gate.passed(new AbortController().signal).then((ok) => (passed = ok));
    await sleep(200);
    assert.equal(passed, false, 'still paused');
    state.paused = false;
    await waiting;
    assert.equal(passed, true, 'passes once the pause is lifted');
  } finally {
    gate.close();
  }
});

test('a failed read keeps the pause; stopping while paused answers false', async () => {
  const { db, state } = store();
  state.paused = true;
  const gate = pauseGate(db, 'social-services', logger, 30);
  try {
    const stop = new AbortController();
    const waiting = gate.passed(stop.signal);
    await sleep(50);
    state.failing = true;
    state.paused = false;
    await sleep(120);
    stop.abort();
    assert.equal(await waiting, false, 'the store could not say the pause was lifted: still waiting when stopped');
  } finally {
    gate.close();
  }
});

test('close stops the background reads', async () => {
  const { db, state } = store();
  const gate = pauseGate(db, 'social-services', logger, 20);
  await gate.passed(new AbortController().signal);
  gate.close();
  const after = state.reads;
  await sleep(100);
  assert.ok(state.reads <= after + 1, 'at most a read already under way');
});
