/** The school-catering simulator as compose runs it: main.ts as a process of its own. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';

test('main.ts runs as a plain process on SCHOOL_CATERING_PORT, seeded, and stops on SIGTERM', async () => {
  const child = spawn(process.execPath, ['silos/school-catering/main.ts'], {
    env: { ...process.env, SCHOOL_CATERING_PORT: '0', SCHOOL_CATERING_SEED: 'demo' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  while (!out.includes('silo.started')) await once(child.stdout, 'data');
  const started = JSON.parse(out.split('\n')[0]!) as { url: string; seeded: number };
  assert.equal(started.seeded, 2);
  assert.equal((await fetch(`${started.url}/familles/FAM-000456`)).status, 200);
  child.kill('SIGTERM');
  assert.deepEqual(await once(child, 'exit'), [0, null]);
});
