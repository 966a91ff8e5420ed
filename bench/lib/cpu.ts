/**
 * CPU time spent by the processes of a run (Linux /proc), to report CPU-milliseconds per change
 * summed over every process that worked for it: the Node parts, the PostgreSQL backends serving
 * the run's database, and the broker. Wall-clock throughput on a shared 2-core machine moves with
 * whatever else runs; CPU per change much less, so it is the figure to compare across runs.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Queryable } from '../../core/store/db.ts';

const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** A process's user + system CPU so far, in ms; NaN when it is gone or not on Linux. */
export function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / ticksPerSecond;
  } catch {
    return Number.NaN;
  }
}

/** The PostgreSQL backends connected to the run's database (they live as long as the pools' connections). */
export async function backendPids(db: Queryable): Promise<number[]> {
  const result = await db.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  );
  return result.rows.map((row) => row.pid);
}

/** Every process of the machine's PostgreSQL server (backends, WAL writer, checkpointer…). */
export function postgresPids(): number[] {
  try {
    return execFileSync('pgrep', ['-x', 'postgres'], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The broker's JVM, found by the port in its command line (infra/kafka's node directories name it). */
export function brokerPids(brokers: string): number[] {
  const port = brokers.split(',')[0]?.split(':').pop();
  if (!port) return [];
  try {
    return execFileSync('pgrep', ['-f', `kafka\\.Kafka .*-${port}/`], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

export interface CpuGroup {
  name: string;
  pids: () => number[] | Promise<number[]>;
}

/** CPU spent by each group between start() and stop(); a process seen only at the end counts from its start. */
export function cpuMeter(groups: CpuGroup[]): { start(): Promise<void>; stop(): Promise<Map<string, number>> } {
  const before = new Map<number, number>();
  return {
    async start() {
      for (const group of groups) for (const pid of await group.pids()) before.set(pid, cpuMsOf(pid));
    },
    async stop() {
      const spent = new Map<string, number>();
      for (const group of groups) {
        let sum = 0;
        for (const pid of await group.pids()) {
          const now = cpuMsOf(pid);
          if (Number.isFinite(now)) sum += now - (before.get(pid) ?? 0);
        }
        spent.set(group.name, sum);
      }
      return spent;
    },
  };
}

/** "gateway 1.2, postgres 0.8, broker 0.3" (ms per change), and their sum. */
export function perChange(spent: Map<string, number>, changes: number): { total: number; note: string } {
  const parts = [...spent].map(([name, ms]) => [name, ms / Math.max(1, changes)] as const);
  return {
    total: parts.reduce((sum, [, ms]) => sum + ms, 0),
    note: parts.map(([name, ms]) => `${name} ${ms.toFixed(2)}`).join(', '),
  };
}
