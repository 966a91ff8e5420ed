/**
 * The parts under test run as their own processes, as in production (gateway, router, one
 * connector per system, simulators) and so do the baselines: each gets its own event loop,
 * and its peak RSS is read from /proc/<pid>/status (VmHWM) before it stops. Each runs with the
 * deployed V8 options (bin/node-options.ts), baselines included.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEPLOYED_NODE_OPTIONS } from '../../bin/node-options.ts';

export interface Part {
  name: string;
  pid: number;
  /** Peak resident set size so far, MiB (Linux); NaN elsewhere. */
  peakRssMiB(): number;
  stop(): Promise<void>;
  /** Ends it at once (SIGKILL), as a crash would (the fault suite); resolves once it has exited. */
  kill(): Promise<void>;
}

/** Every child still running; killed when the harness exits, even after a failed phase. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A process's peak RSS (VmHWM) in MiB; NaN once it is gone. */
export function peakRss(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/**
 * Starts `node <script> …args` and resolves once `ready` answers true (polled)
 * or a stdout line matches it. Output is kept only to explain a failed start.
 */
const COMPILE_CACHE = join(tmpdir(), 'relais-bench-compile-cache');

export async function startPart(
  name: string,
  script: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp | (() => Promise<boolean>),
  extraNodeArgs: string[] = [],
): Promise<Part> {
  const profile =
    process.env['BENCH_CPU_PROF'] && script === 'bin/relais.ts' ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_CPU_PROF']}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...DEPLOYED_NODE_OPTIONS, ...profile, ...extraNodeArgs, script, ...args], {
    // As deployed (Dockerfile): a compile cache that outlives the process, so a part starts as a
    // restarted container does, without the type stripper (~15–25 MiB of RSS). The first run on
    // a machine fills it.
    env: { NODE_COMPILE_CACHE: COMPILE_CACHE, ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  let matched = false;
  const keep = (chunk: Buffer): void => {
    if (output.length < 20_000) output += chunk.toString();
    if (ready instanceof RegExp && ready.test(output)) matched = true;
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const deadline = Date.now() + 60_000;
  while (!matched) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}) while starting:\n${output.slice(-3000)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} not ready after 60 s:\n${output.slice(-3000)}`);
    }
    if (!(ready instanceof RegExp)) matched = await ready().catch(() => false);
    if (!matched) await sleep(100);
  }
  const pid = child.pid!;
  let lastPeak = Number.NaN;
  return {
    name,
    pid,
    peakRssMiB: () => {
      const now = peakRss(pid);
      if (!Number.isNaN(now)) lastPeak = now;
      return lastPeak;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      lastPeak = peakRss(pid) || lastPeak;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export const answers = (url: string) => async (): Promise<boolean> => (await fetch(url)).ok;
