/**
 * The quick start as a new user runs it, three times in a row: `relais start` (the real process,
 * embedded PGlite store, every simulator, connector, router and gateway), every printed example
 * followed over HTTP as printed, Ctrl-C, and `relais start` again on the same data directory.
 * Each start must succeed: the demo seeding is idempotent against whatever the examples changed
 * (the service request's contact email replaces the demo one, a review links a homonym, the
 * register records a death). The broker is the test tier's; the topics get a prefix of their own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { port } from '../core/settings.ts';
import { discoverSimulators } from '../silos/shared/simulators.ts';
import { followBanner } from './support/banner-examples.ts';
import { testBrokers, uniquePrefix } from '@relais/connector-kit/testing';

interface Started {
  child: ChildProcess;
  banner: string;
  output: () => string;
}

/** `relais start`, resolved once its banner is printed whole; rejects with its output if it exits first. */
function startQuickStart(env: NodeJS.ProcessEnv): Promise<Started> {
  const child = spawn(process.execPath, ['bin/relais.ts', 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner after 180 s:\n${output}`)), 180_000);
    const read = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const start = output.indexOf('Relais is running');
      const end = output.indexOf('Ctrl-C stops everything');
      if (start >= 0 && end > start) {
        clearTimeout(timer);
        resolve({ child, banner: output.slice(start, end), output: () => output });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`relais start exited (${code ?? signal}) before its banner:\n${output}`));
    });
  });
}

/** Ctrl-C: resolves with the exit code once the process has stopped everything. */
function stop(started: Started): Promise<number | null> {
  return new Promise((resolve) => {
    const killer = setTimeout(() => started.child.kill('SIGKILL'), 60_000);
    started.child.once('exit', (code) => {
      clearTimeout(killer);
      resolve(code);
    });
    started.child.kill('SIGINT');
  });
}

test(
  'start, follow every printed example, stop, start again: three times in a row',
  {
    timeout: 900_000,
  },
  async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'relais-quick-start-'));
    const simulatorPorts = (await discoverSimulators())
      .flatMap((simulator) => Object.values(simulator.settings))
      .filter((setting) => setting.parse === port)
      .map((setting): [string, string] => [setting.env, '0']);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...Object.fromEntries(simulatorPorts),
      KAFKA_BROKERS: testBrokers().join(','),
      RELAIS_TOPIC_PREFIX: uniquePrefix('quickstart'),
      RELAIS_DATA_DIR: dataDir,
      PORT: '0',
      RELAIS_OPS_PORT: '0',
      RELAIS_CONSOLE_PORT: '0',
      LOG_LEVEL: 'warn',
    };
    delete env['DATABASE_URL'];
    let running: Started | undefined;
    try {
      for (let round = 1; round <= 3; round++) {
        const started = await startQuickStart(env);
        running = started;
        const followed = await followBanner(started.banner);
        assert.ok(followed.length >= 10, `round ${round}: the banner's examples were found (${followed.length})`);
        for (const { call, status, answer, skipped } of followed) {
          const what = `round ${round}: ${call.method} ${call.url} → ${status} ${JSON.stringify(answer).slice(0, 300)}`;
          // The first round follows the examples on fresh demo data: each succeeds. Later rounds
          // replay them on what the earlier ones changed (Jeanne Martin's death is registered):
          // a refusal may be right then (409 citizen-deceased, and the lines that need its id are
          // not sent), a server failure never is.
          if (round === 1) assert.ok(!skipped && status >= 200 && status < 300, what);
          else assert.ok(skipped || (status >= 200 && status < 500), what);
        }
        if (round > 1) {
          const refusals = followed.filter((f) => f.status >= 400).map((f) => (f.answer as { code?: string }).code);
          assert.ok(
            // The gateway's 409, and the register's own refusal to record the same death twice.
            refusals.every((code) => code === 'citizen-deceased' || code === 'PERSONNE_DECEDEE'),
            `round ${round}: refusals other than the registered death: ${refusals.join(', ')}`,
          );
        }
        running = undefined;
        assert.equal(await stop(started), 0, `round ${round}: Ctrl-C stops cleanly:\n${started.output().slice(-2000)}`);
      }
      const last = await startQuickStart(env);
      assert.equal(await stop(last), 0, `the fourth start stops cleanly:\n${last.output().slice(-3000)}`);
    } finally {
      // A failed round must not leave the quick start running (it would hold the test run open).
      if (running) await stop(running);
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
);
