/**
 * The benchmark harness: `npm run bench` (full) or `npm run bench -- --quick` (under two
 * minutes, for CI). Starts its own Kafka broker (or uses KAFKA_BROKERS) and PostgreSQL
 * databases on BENCH_DATABASE_URL's server, runs each phase, prints one table where every
 * figure stands beside a baseline measured in the same run on the same machine, and writes
 * the results to bench/results/<date>[-quick].json. Targets are reported, never asserted.
 *
 *   --quick            smaller backlogs, shorter loads
 *   --phase <name>     only these phases (gateway, outbox, pipeline, connector, tax-batch); repeatable
 *   --cpu-prof         run the Relais processes with node --cpu-prof (profiles in bench/profiles/)
 *
 * Before the first phase the broker is warmed up (lib/warm-broker.ts: 10 s quick, 30 s full;
 * BENCH_BROKER_WARM_UP_SECONDS=0 measures a cold one).
 *
 * Phases written by others plug in as bench/<name>.ts files exporting
 * `benchRows(ctx: BenchContext): Promise<Row[]>` (see lib/report.ts); bench/tax-batch.ts is
 * picked up when present, and run as its own program (output attached) if it has no such export.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { startKafka, type KafkaCluster } from '../infra/kafka/kafka.ts';
import { machine, notes, ratio, table, targetMet, writeResults, type Results, type Row } from './lib/report.ts';
import { warmBroker } from './lib/warm-broker.ts';
import { connectorPhase } from './phases/connector.ts';
import { gatewayPhase } from './phases/gateway.ts';
import { outboxPhase } from './phases/outbox.ts';
import { pipelinePhase } from './phases/pipeline.ts';

export interface BenchContext {
  brokers: string;
  quick: boolean;
  /** Records a process's peak RSS (MiB) for the RSS rows. */
  rss(name: string, mib: number): void;
  say(line: string): void;
}

type Phase = (ctx: BenchContext) => Promise<Row[]>;

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    phase: { type: 'string', multiple: true },
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const quick = values.quick;
if (values['cpu-prof']) {
  const dir = resolve('bench/profiles');
  mkdirSync(dir, { recursive: true });
  process.env['BENCH_CPU_PROF'] = dir;
}

/** bench/tax-batch.ts (written with the tax connector): rows if it exports benchRows, else its own output. */
async function taxBatch(ctx: BenchContext, attachments: Results['attachments']): Promise<Row[]> {
  const file = resolve('bench/tax-batch.ts');
  if (!existsSync(file)) {
    ctx.say('tax-batch: bench/tax-batch.ts is not there yet: skipped');
    return [];
  }
  // Importing a script runs it: only a file that exports benchRows is imported.
  if (/export (async )?function benchRows\b/.test(readFileSync(file, 'utf8'))) {
    const module = (await import(pathToFileURL(file).href)) as { benchRows: Phase };
    return module.benchRows(ctx);
  }
  // Its own options (bench/tax-batch.ts): a tenth of its default sizes in quick mode.
  const sizes = quick ? ['--records', '100000', '--upload-records', '10000'] : [];
  const { code, output } = await new Promise<{ code: number | null; output: string }>((done) => {
    const child = spawn(process.execPath, [file, ...sizes], {
      env: { ...process.env, KAFKA_BROKERS: ctx.brokers },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.once('exit', (exit) => done({ code: exit, output: text }));
  });
  // Its failure is reported, not fatal: the other phases' results still stand.
  attachments.push({ name: 'tax-batch', output: code === 0 ? output : `exited ${code}:\n${output}` });
  console.log(code === 0 ? output : `# tax-batch failed (exit ${code}):\n${output.slice(-2000)}`);
  return [];
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const attachments: Results['attachments'] = [];
  const warmUpSeconds = Number(process.env['BENCH_BROKER_WARM_UP_SECONDS'] ?? (quick ? 10 : 30));
  if (!Number.isFinite(warmUpSeconds) || warmUpSeconds < 0) {
    throw new Error(`BENCH_BROKER_WARM_UP_SECONDS must be a number of seconds ≥ 0, not ${process.env['BENCH_BROKER_WARM_UP_SECONDS']}`);
  }
  let kafka: KafkaCluster | undefined;
  let brokers = process.env['KAFKA_BROKERS'];
  if (!brokers) {
    kafka = await startKafka({
      port: Number(process.env['RELAIS_BENCH_KAFKA_PORT'] ?? 29592),
      version: process.env['RELAIS_KAFKA_VERSION'] ?? '3.9.1',
      fresh: true,
    });
    brokers = kafka.brokers;
  }
  const peaks = new Map<string, number>();
  const ctx: BenchContext = {
    brokers,
    quick,
    rss: (name, mib) => void peaks.set(name, Math.max(peaks.get(name) ?? 0, mib)),
    say: (line) => console.log(`# ${((Date.now() - startedAt.getTime()) / 1000).toFixed(1).padStart(6)} s  ${line}`),
  };
  const phases: [string, Phase][] = [
    ['gateway', gatewayPhase],
    ['outbox', outboxPhase],
    ['connector', connectorPhase],
    ['pipeline', pipelinePhase],
    ['tax-batch', (c) => taxBatch(c, attachments)],
  ];
  const rows: Row[] = [];
  try {
    if (warmUpSeconds > 0) {
      const warm = await warmBroker(brokers, warmUpSeconds);
      ctx.say(
        `broker warmed up: ${warm.requests} produce requests (${warm.messages} messages, ${warm.consumed} read back before closing) in ${warm.seconds.toFixed(1)} s`,
      );
    }
    for (const [name, phase] of phases) {
      if (values.phase && !values.phase.includes(name)) continue;
      const started = Date.now();
      ctx.say(`${name}…`);
      const produced = await phase(ctx);
      rows.push(...produced);
      ctx.say(`${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      if (produced.length > 0) console.log(table(produced));
    }
  } finally {
    await kafka?.stop();
  }
  const bare = peaks.get('baseline node-http');
  for (const [name, mib] of peaks) {
    if (name.startsWith('baseline')) continue;
    rows.push({
      phase: 'rss',
      metric: `peak RSS, ${name}`,
      value: mib,
      unit: 'MiB',
      baseline: bare ? { name: 'bare node:http process', value: bare } : null,
      target: { value: 200, higher: false },
    });
  }
  const durationSeconds = (Date.now() - startedAt.getTime()) / 1000;
  console.log(
    `\nRelais benchmark ${startedAt.toISOString()} — ${quick ? 'quick' : 'full'} run, ${durationSeconds.toFixed(0)} s, node ${process.version}`,
  );
  console.log(table(rows));
  console.log(`notes:\n${notes(rows)}`);
  const results: Results = {
    startedAt: startedAt.toISOString(),
    quick,
    machine: machine(
      kafka ? `Apache Kafka ${kafka.version}, local single broker` : `KAFKA_BROKERS=${brokers}`,
      'PostgreSQL (BENCH_DATABASE_URL server)',
    ),
    durationSeconds,
    rows: rows.map((r) => ({ ...r, ratio: ratio(r), targetMet: targetMet(r) })),
    attachments,
  };
  console.log(`results: ${writeResults(resolve('bench/results'), results, values.phase !== undefined)}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
