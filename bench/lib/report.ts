/**
 * Benchmark results: every figure is a row beside a baseline measured in the same run on the
 * same machine, with the ratio and, where the project has one, the target (reported, never
 * asserted). Printed as a table and written as JSON.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

export interface Row {
  phase: string;
  /** What is measured, e.g. "durable changes/s (max rate)". */
  metric: string;
  value: number;
  unit: string;
  baseline: { name: string; value: number } | null;
  /** Target in the same unit (or on the ratio to the baseline); `higher` says which way is better. */
  target?: { value: number; higher: boolean; on?: 'ratio' } | undefined;
  note?: string | undefined;
}

export interface Results {
  startedAt: string;
  quick: boolean;
  machine: { node: string; cpus: number; cpuModel: string; memoryGiB: number; kafka: string; store: string };
  durationSeconds: number;
  rows: (Row & { ratio: number | null; targetMet: boolean | null })[];
  /** Output of phases run as their own programs (e.g. bench/tax-batch.ts), verbatim. */
  attachments: { name: string; output: string }[];
}

export function ratio(row: Row): number | null {
  if (!row.baseline || row.baseline.value === 0) return null;
  return row.value / row.baseline.value;
}

export function targetMet(row: Row): boolean | null {
  if (!row.target) return null;
  const measured = row.target.on === 'ratio' ? ratio(row) : row.value;
  if (measured === null || Number.isNaN(measured)) return false;
  return row.target.higher ? measured >= row.target.value : measured <= row.target.value;
}

const fmt = (n: number): string => (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2));

export function machine(kafka: string, store: string): Results['machine'] {
  const cpu = cpus();
  return {
    node: process.version,
    cpus: cpu.length,
    cpuModel: cpu[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kafka,
    store,
  };
}

export function table(rows: Row[]): string {
  const lines = rows.map((r) => {
    const ra = ratio(r);
    const met = targetMet(r);
    return [
      r.phase,
      r.metric,
      `${fmt(r.value)} ${r.unit}`,
      r.baseline ? `${fmt(r.baseline.value)} ${r.unit} (${r.baseline.name})` : '—',
      ra === null ? '—' : `${ra.toFixed(2)}×`,
      r.target
        ? `${r.target.on === 'ratio' ? 'ratio ' : ''}${r.target.higher ? '≥' : '≤'} ${fmt(r.target.value)} ${met ? 'met' : 'MISSED'}`
        : '',
    ];
  });
  const header = ['phase', 'metric', 'value', 'baseline (same run)', 'ratio', 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(line)].join('\n');
}

/** bench/results/<date>[-quick][-partial].json: a run of some phases only never replaces a whole run's file. */
export function writeResults(dir: string, results: Results, partial = false): string {
  mkdirSync(dir, { recursive: true });
  const date = results.startedAt.slice(0, 10);
  const file = join(dir, `${date}${results.quick ? '-quick' : ''}${partial ? '-partial' : ''}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((sorted.length * p) / 100) - 1))]!;
}

/** The rows' notes (what the numbers include, where the time goes), one line each. */
export function notes(rows: Row[]): string {
  return rows
    .filter((r) => r.note)
    .map((r) => `  ${r.phase} · ${r.metric}: ${r.note}`)
    .join('\n');
}
