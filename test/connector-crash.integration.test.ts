/**
 * The connector process is killed (SIGKILL) mid-stream and restarted: every delivery is
 * applied exactly once in effect, in order per citizen, and every change ends `applied`.
 * Also: SIGTERM stops it gracefully without losing or double-applying anything.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { eventually } from '@relais/connector-kit/testing';
import { addressChange, settledAll, startStack, type Stack } from './support/stack.ts';

let stack: Stack;
const children = new Set<ChildProcess>();

/** Starts `relais connector social-services` in its own process; resolves once it has joined its group. */
async function startConnectorProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bin/relais.ts', 'connector', 'social-services'], {
    env: { ...process.env, ...stack.env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('connector ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`connector exited (${code}) before it was ready: ${output}`)));
  });
  return child;
}

async function stopConnectorProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = once(child, 'exit') as Promise<[number | null]>;
  child.kill(signal);
  return (await exited)[0];
}

async function appliedCount(files: string[]): Promise<number> {
  let count = 0;
  for (const file of files) count += (await stack.journal(file)).filter((e) => e.statutHttp === 200 && !e.rejoue).length;
  return count;
}

before(async () => {
  stack = await startStack({ store: 'postgres', connectors: false });
});

after(async () => {
  for (const child of children) child.kill('SIGKILL');
  await stack?.stop();
});

async function postRounds(files: string[], rounds: number): Promise<{ id: string; file: string; street: string }[]> {
  const posted: { id: string; file: string; street: string }[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const file of files) {
      const street = `rue ${round} ${file}`;
      const response = await stack.postChange(addressChange(file, street));
      assert.equal(response.status, 202);
      posted.push({ id: response.body.id, file, street });
    }
  }
  return posted;
}

async function assertExactlyOnce(files: string[], posted: { id: string; file: string; street: string }[]): Promise<void> {
  for (const { id } of posted) assert.equal((await stack.waitForStatus(id, settledAll, 60_000)).recipients[0]!.status, 'applied');
  for (const file of files) {
    const applied = (await stack.journal(file)).filter((e) => e.statutHttp === 200 && !e.rejoue);
    const mine = posted.filter((p) => p.file === file);
    assert.deepEqual(
      applied.map((e) => e.idempotencyKey),
      mine.map((p) => p.id),
      `${file}: each delivery applied once, in order`,
    );
    assert.equal((await stack.file(file)).adresse['libelleVoie'], mine.at(-1)!.street);
  }
}

test('killed mid-stream and restarted, the connector applies every delivery exactly once in effect', { timeout: 180_000 }, async () => {
  const files = Array.from({ length: 8 }, (_, i) => `SS-6000${String(i).padStart(2, '0')}`);
  for (const file of files) await stack.openFile(file);
  await stack.setFault({ mode: 'lenteur', delaiMs: 120 });
  const posted = await postRounds(files, 3);

  const first = await startConnectorProcess();
  const before = await eventually(
    async () => {
      const n = await appliedCount(files);
      return n >= 6 ? n : undefined;
    },
    60_000,
    'some deliveries applied',
  );
  await stopConnectorProcess(first, 'SIGKILL');
  assert.ok(before < posted.length, `killed mid-stream (${before} of ${posted.length} applied)`);

  await stack.setFault(null);
  const second = await startConnectorProcess();
  await assertExactlyOnce(files, posted);
  assert.equal(await stopConnectorProcess(second, 'SIGTERM'), 0);
});

test('SIGTERM stops the connector gracefully; a new one carries on with nothing lost or doubled', { timeout: 180_000 }, async () => {
  const files = Array.from({ length: 4 }, (_, i) => `SS-7000${String(i).padStart(2, '0')}`);
  for (const file of files) await stack.openFile(file);
  // Slow enough that a loaded machine's signal latency cannot let every lane finish first:
  // 4 rounds × 600 ms per citizen, stopped after the first wave.
  await stack.setFault({ mode: 'lenteur', delaiMs: 600 });
  const posted = await postRounds(files, 4);
  const first = await startConnectorProcess();
  await eventually(async () => ((await appliedCount(files)) >= 3 ? true : undefined), 60_000, 'some deliveries applied');
  assert.equal(await stopConnectorProcess(first, 'SIGTERM'), 0, 'a clean exit');
  assert.ok((await appliedCount(files)) < posted.length, 'stopped mid-stream');
  await stack.setFault(null);
  const second = await startConnectorProcess();
  await assertExactlyOnce(files, posted);
  assert.equal(await stopConnectorProcess(second, 'SIGTERM'), 0);
});
