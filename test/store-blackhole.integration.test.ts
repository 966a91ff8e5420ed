/**
 * A store that accepts connections and never answers (a TCP proxy holding every byte in front of
 * PostgreSQL), mid-burst: the gateway answers 503 store-unavailable within 5 s, /readyz turns
 * not ready, and once the store answers again everything resumes by itself: the outbox relay
 * takes its (expired) lease again and every accepted change is applied, once, in order.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, eventually, faultProxy, type FaultProxy, type TestDatabase } from '@relais/connector-kit/testing';
import { addressChange, settledAll, startStack, type Stack } from './support/stack.ts';

let database: TestDatabase;
let proxy: FaultProxy;
let stack: Stack;

before(async () => {
  database = await createTestDatabase('postgres');
  const url = new URL(database.url!);
  proxy = await faultProxy({ host: url.hostname, port: Number(url.port || 5432) });
  url.host = `${proxy.host}:${proxy.port}`;
  // The shortest lease, so it expires while the store is cut off and must be taken again.
  stack = await startStack({ env: { DATABASE_URL: url.toString(), RELAIS_OUTBOX_LEASE_MS: '1000' } });
});

after(async () => {
  await stack?.stop();
  await proxy?.close();
  await database?.drop();
});

async function readyz(): Promise<{ status: number; checks: Record<string, { status: string }> }> {
  const response = await fetch(`${stack.relais.gatewayUrl}/readyz`);
  const body = (await response.json()) as { checks: Record<string, { status: string }> };
  return { status: response.status, checks: body.checks };
}

test(
  'a blackholed store: 503 within 5 s, not ready, then automatic recovery with every accepted change applied',
  { timeout: 180_000 },
  async () => {
    const files = ['SS-610001', 'SS-610002', 'SS-610003'];
    for (const file of files) {
      await stack.openFile(file);
      // Linked now: postChange will not need the store once it is cut off.
      await stack.link('social-services', file);
    }
    const accepted: { id: string; file: string; street: string }[] = [];
    const post = async (file: string, street: string): Promise<number> => {
      const response = await stack.postChange(addressChange(file, street));
      if (response.status === 202) accepted.push({ id: response.body.id, file, street });
      return response.status;
    };
    for (const file of files) assert.equal(await post(file, `rue avant ${file}`), 202);

    const release = proxy.stall();
    const started = performance.now();
    const refused = await stack.postChange(addressChange(files[0]!, 'rue pendant'));
    const waited = performance.now() - started;
    assert.equal(refused.status, 503);
    assert.equal((refused.body as unknown as { code: string }).code, 'store-unavailable');
    assert.ok(waited < 5000, `answered after ${Math.round(waited)} ms`);
    const down = await readyz();
    assert.equal(down.status, 503, 'not ready while the store does not answer');
    assert.equal(down.checks['store']?.status, 'unavailable');
    // Longer than the lease: the relay's lease expires meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await release();

    await eventually(async () => ((await readyz()).status === 200 ? true : undefined), 30_000, 'ready again');
    for (const file of files) assert.equal(await post(file, `rue après ${file}`), 202);
    for (const { id } of accepted) assert.equal((await stack.waitForStatus(id, settledAll, 60_000)).recipients[0]!.status, 'applied');
    for (const file of files) {
      const applied = (await stack.journal(file)).filter((entry) => !entry.rejoue && entry.statutHttp === 200);
      const mine = accepted.filter((change) => change.file === file);
      assert.deepEqual(
        applied.map((entry) => entry.idempotencyKey),
        mine.map((change) => change.id),
        `${file}: each accepted change applied once, in order`,
      );
      assert.equal((await stack.file(file)).adresse['libelleVoie'], mine.at(-1)!.street);
    }
  },
);

test(
  'the store cut mid-burst: every answer is 202 or a retry-safe 503, and retries with the same key apply once',
  { timeout: 180_000 },
  async () => {
    const files = ['SS-620001', 'SS-620002'];
    for (const file of files) {
      await stack.openFile(file);
      // Linked now: postChange will not need the store once it is cut off.
      await stack.link('social-services', file);
    }
    const burst = Array.from({ length: 40 }, (_, i) => ({ key: `cut-${i}`, file: files[i % files.length]!, street: `rue ${i}` }));
    const post = (change: (typeof burst)[number]) =>
      stack.postChange(addressChange(change.file, change.street), { 'idempotency-key': change.key });
    const answers = await Promise.all(
      burst.map(async (change, i) => {
        if (i === 10) await proxy.cut();
        return (await post(change)).status;
      }),
    );
    assert.ok(
      answers.every((status) => status === 202 || status === 503),
      `answers: ${answers.join(',')}`,
    );
    assert.ok(answers.includes(503), 'the cut was felt');
    await proxy.restore();
    const ids: string[] = [];
    for (const change of burst) {
      const response = await eventually(
        async () => {
          const again = await post(change);
          return again.status === 202 || again.status === 200 ? again : undefined;
        },
        30_000,
        `retrying ${change.key}`,
      );
      ids.push(response.body.id);
    }
    assert.equal(new Set(ids).size, burst.length, 'one change per key');
    for (const id of ids) assert.equal((await stack.waitForStatus(id, settledAll, 60_000)).recipients[0]!.status, 'applied');
  },
);
