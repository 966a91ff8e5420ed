/**
 * A silo outage is not a delivery failure (issue 13, acceptance): with the default sink settings
 * (6 attempts, 250 ms doubling, 6 h patience), N address changes are posted while the
 * social-services simulator answers 503 for 30 s. Judged from the silo's own journal: every
 * change applied exactly once, each citizen's in the order they were accepted, each file ending
 * with the last address; no dead letter; every status `applied`; GET /v1/systems said
 * "unavailable since" during the outage and nothing after. N is 300 here; nothing in the
 * runtime depends on it (the circuit pauses the topic however much is waiting).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { addressChange, devToken, startStack, type Stack } from './support/stack.ts';

const citizens = 30;
const perCitizen = 10;
const outageMs = 30_000;
let stack: Stack;

before(async () => {
  stack = await startStack({
    store: 'postgres',
    // The defaults of core/config.ts, not the stack's quick ones.
    env: {
      RELAIS_SINK_MAX_ATTEMPTS: '6',
      RELAIS_SINK_BACKOFF_MS: '250',
      RELAIS_SINK_BACKOFF_MAX_MS: '15000',
      RELAIS_SINK_TIMEOUT_MS: '5000',
      RELAIS_SINK_PATIENCE_MS: '21600000',
    },
  });
});
after(() => stack.stop());

const api = async <T>(path: string): Promise<T> =>
  (await (await fetch(`${stack.relais.gatewayUrl}${path}`, { headers: { authorization: `Bearer ${devToken}` } })).json()) as T;

interface SystemView {
  name: string;
  unavailableSince?: string | null;
}
const socialServices = async () => (await api<{ systems: SystemView[] }>('/v1/systems')).systems.find((s) => s.name === 'social-services')!;

test(`${citizens * perCitizen} changes while social services answers 503 for 30 s: none dead-lettered, all applied once, in order`, async (t) => {
  const files = Array.from({ length: citizens }, (_, i) => `SS-43${String(i).padStart(4, '0')}`);
  for (const file of files) await stack.openFile(file);
  const street = (k: number) => `rue numero ${k}`;

  await stack.setFault({ mode: 'erreur', statut: 503 });
  const outageStarted = Date.now();
  const ids = new Map<string, string[]>();
  // Citizens side by side, each citizen's changes one after the other (their order is the order of acceptance).
  await Promise.all(
    files.map(async (file) => {
      const posted: string[] = [];
      for (let k = 1; k <= perCitizen; k++) {
        const response = await stack.postChange(addressChange(file, street(k)));
        assert.equal(response.status, 202);
        posted.push(response.body.id);
      }
      ids.set(file, posted);
    }),
  );
  t.diagnostic(`posted ${citizens * perCitizen} changes in ${Date.now() - outageStarted} ms`);

  const during = await eventually(async () => (await socialServices()).unavailableSince ?? undefined, 20_000);
  assert.ok(Date.parse(during) >= outageStarted - 1000, 'unavailable since the outage began');
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, outageMs - (Date.now() - outageStarted))));
  await stack.setFault(null);
  const recovered = Date.now();

  for (const [, posted] of ids) {
    for (const id of posted) {
      const change = await stack.waitForStatus(
        id,
        (c) => c.recipients.every((r) => !['pending', 'delivered', 'unknown'].includes(r.status)),
        120_000,
      );
      assert.deepEqual(
        change.recipients.map((r) => r.status),
        ['applied'],
        `change ${id}: ${JSON.stringify(change.recipients)}`,
      );
    }
  }
  t.diagnostic(`all applied ${Date.now() - recovered} ms after the silo came back`);
  assert.equal((await socialServices()).unavailableSince ?? null, null, 'available again');

  for (const file of files) {
    const writes = (await stack.journal(file)).filter((e) => e.statutHttp < 300 && !e.rejoue);
    const streets = writes.map((e) => /rue numero \d+/.exec(JSON.stringify(e.body))?.[0]);
    assert.deepEqual(
      streets,
      Array.from({ length: perCitizen }, (_, i) => street(i + 1)),
      `${file}: each change applied once, in order`,
    );
    assert.equal((await stack.file(file)).adresse['libelleVoie'], street(perCitizen));
  }
  const dead = await api<{ deadLetters: unknown[] }>('/v1/systems/social-services/dead-letters');
  assert.equal(dead.deadLetters.length, 0, 'no dead letter');
});

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting for the silo to read unavailable');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
