/** The silo circuit's decisions (circuit.ts), without a silo: when it opens, who waits, who is dead-lettered. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SiloCircuit } from './circuit.ts';

function circuit(patienceMs = 60_000) {
  const changes: (Date | undefined)[] = [];
  const c = new SiloCircuit({ threshold: 3, patienceMs, probe: { baseMs: 10, maxMs: 20 }, onChange: (since) => changes.push(since) });
  return { c, changes };
}

test('retriable failures in a row across deliveries open the circuit, since the first of them; a success closes it', async () => {
  const { c, changes } = circuit();
  const first = Date.now();
  c.failure();
  c.failure();
  assert.equal(c.unavailableSince, undefined, 'below the threshold');
  c.failure();
  const since = Number(c.unavailableSince);
  assert.ok(since >= first - 1 && since <= Date.now(), 'unavailable since the first failure of the streak');
  // One probe at a time: the first caller gets its turn once the probe is due, the second waits.
  const stop = new AbortController();
  await c.turn(stop.signal);
  let second = false;
  const waiting = c.turn(stop.signal).then(() => (second = true));
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(second, false, 'the second caller waits while the probe is in flight');
  c.success();
  await waiting;
  assert.equal(c.unavailableSince, undefined);
  assert.equal(changes.length, 2);
  assert.equal(changes[1], undefined);
});

test('a delivery that spent its attempts: kept waiting when nothing succeeded, dead-lettered when others did or past the patience', () => {
  const { c } = circuit();
  const since = Date.now() - 1;
  c.failure();
  assert.equal(c.exhausted(since), undefined, 'the silo may be down: wait');
  assert.ok(c.unavailableSince, 'and the circuit is open');
  c.success();
  c.failure();
  assert.match(c.exhausted(since) ?? '', /failed while the silo answered other deliveries/);

  const impatient = circuit(0).c;
  impatient.failure();
  assert.equal(impatient.exhausted(Date.now() + 1), undefined, 'opens');
  assert.match(impatient.exhausted(Date.now() + 1) ?? '', /unavailable for longer than its patience \(0 ms\)/);
});

test('a stop request ends the wait', async () => {
  const { c } = circuit();
  for (let i = 0; i < 3; i++) c.failure();
  const stop = new AbortController();
  await c.turn(stop.signal); // the probe
  const waiting = c.turn(stop.signal);
  stop.abort();
  await assert.rejects(waiting, /stopping while the silo is unavailable/);
});
