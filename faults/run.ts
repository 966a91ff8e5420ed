/**
 * The standing fault suite: `npm run faults` (every scenario) or `npm run faults -- --quick`
 * (the CI subset, a few minutes). Starts a 3-broker KRaft cluster from infra/kafka (topics with
 * replication 3 and min.insync.replicas 2), then for each scenario a fresh Relais whose parts
 * are each their own process (faults/lib/stack.ts), a load of address changes, the fault, and
 * the verdict judged from the silos' own side (faults/lib/judge.ts): out of the accepted
 * changes, how many were lost, applied twice, applied out of order, left a stale final value,
 * or carry a wrong status, and how long recovery took. Prints a table and writes
 * faults/results/<date>[-quick].json.
 *
 *   --quick              the CI subset
 *   --scenario <name>    only these (repeatable)
 *   --assert             exit 1 unless every figure is 0 (CI runs --quick --assert)
 *
 * FAULTS_KAFKA_PORT (default 19793) is the first broker's port; the others follow it, their
 * controllers 1000 above. FAULTS_DATABASE_URL (default the local PostgreSQL) hosts the stores.
 * The cluster runs TLS + SASL/SCRAM with ACLs, every part connecting as the super user
 * (FAULTS_KAFKA_SECURITY=plaintext: without).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { kafkaSecurityEnv } from '../infra/kafka/client-env.ts';
import { ADMIN_PRINCIPAL } from '../infra/kafka/acls.ts';
import { clusterDir, startKafka, stopKafkaAt, type KafkaCluster } from '../infra/kafka/kafka.ts';
import { machine } from '../bench/lib/report.ts';
import { createJudge, type Verdict } from './lib/judge.ts';
import { startFaultStack } from './lib/stack.ts';
import { scenarios, type Scenario } from './scenarios.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    scenario: { type: 'string', multiple: true },
    assert: { type: 'boolean', default: false },
  },
});
const quick = values.quick;
const say = (line: string): void => console.log(`faults: ${line}`);

interface Result extends Partial<Verdict> {
  scenario: string;
  what: string;
  /** Seconds from the end of the fault until every silo held every last accepted change; null if not within the limit. */
  recoverySeconds: number | null;
  notAccepted: number;
  /** Gateway answers other than 202/200/503 (a 500 is an error in the wrong class). */
  unexpectedAnswers: Record<string, number>;
  clientRetries: number;
  durationSeconds: number;
  notes: string[];
  error?: string;
}

const CONVERGE_LIMIT_MS = quick ? 60_000 : 300_000;
const STATUS_LIMIT_MS = quick ? 20_000 : 60_000;

async function runScenario(scenario: Scenario): Promise<Result> {
  const started = performance.now();
  const notes: string[] = [];
  const note = (line: string): void => {
    notes.push(line);
    say(`  ${line}`);
  };
  const base = { scenario: scenario.name, what: scenario.what, notes };
  say(`${scenario.name}: ${scenario.what}`);
  const stack = await startFaultStack({
    brokers: cluster.brokers,
    name: scenario.name,
    citizens: 30,
    env: { ...securityEnv, ...scenario.env },
    ...(scenario.systems ? { systems: scenario.systems } : {}),
  });
  const judge = createJudge(stack);
  try {
    let faultEndedAt = performance.now();
    const load = await scenario.run({
      stack,
      cluster,
      restartCluster,
      quick,
      say: note,
      faultEnded: () => (faultEndedAt = performance.now()),
    });
    let recoverySeconds: number | null = null;
    let views = await judge.look();
    while (performance.now() - faultEndedAt < CONVERGE_LIMIT_MS) {
      if (judge.converged(views, load.accepted)) {
        recoverySeconds = (performance.now() - faultEndedAt) / 1000;
        break;
      }
      await sleep(1000);
      views = await judge.look();
    }
    // The silos have settled (or never will): give the statuses time to catch up with them.
    let verdict = await judge.verdict(views, load.accepted, true);
    // Statuses catch up with silos that settled; with silos that did not, waiting proves nothing.
    const statusDeadline = performance.now() + (recoverySeconds === null ? 10_000 : STATUS_LIMIT_MS);
    while (verdict.wrongStatuses > 0 && performance.now() < statusDeadline) {
      await sleep(2000);
      verdict = await judge.verdict(await judge.look(), load.accepted, true);
    }
    for (const example of verdict.wrongExamples) note(`wrong status: ${example}`);
    if (verdict.replays > 0) note(`${verdict.replays} change(s) received again and recognised by the silo as applied (idempotent replays)`);
    return {
      ...base,
      ...verdict,
      recoverySeconds,
      notAccepted: load.refused.length,
      unexpectedAnswers: Object.fromEntries([...load.unexpected].map(([status, n]) => [String(status), n])),
      clientRetries: load.retries,
      durationSeconds: (performance.now() - started) / 1000,
    };
  } catch (error) {
    say(`${scenario.name} failed: ${(error as Error).stack ?? String(error)}`);
    return {
      ...base,
      recoverySeconds: null,
      notAccepted: 0,
      unexpectedAnswers: {},
      clientRetries: 0,
      durationSeconds: (performance.now() - started) / 1000,
      error: (error as Error).message,
    };
  } finally {
    await judge.close().catch(() => undefined);
    await stack.stop();
  }
}

const figures = ['lost', 'appliedTwice', 'orderViolations', 'stale', 'wrongStatuses'] as const;

function table(results: Result[]): string {
  const header = [
    'scenario',
    'accepted',
    'applications',
    'lost',
    'twice',
    'order',
    'stale',
    'wrong status',
    'skipped',
    'recovery',
    'not accepted',
    '5xx/other',
  ];
  const rows = results.map((r) =>
    r.error
      ? [r.scenario, `ERROR: ${r.error.slice(0, 80)}`]
      : [
          r.scenario,
          String(r.accepted),
          String(r.applications),
          String(r.lost),
          String(r.appliedTwice),
          String(r.orderViolations),
          String(r.stale),
          String(r.wrongStatuses),
          String(r.skipped),
          r.recoverySeconds === null ? `> ${CONVERGE_LIMIT_MS / 1000} s` : `${r.recoverySeconds.toFixed(1)} s`,
          String(r.notAccepted),
          Object.entries(r.unexpectedAnswers)
            .map(([status, n]) => `${status}×${n}`)
            .join(' ') || '—',
        ],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row.length > 2 || i === 0 ? (row[i]?.length ?? 0) : 0))));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (cells.length === 2 && i === 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const chosen = scenarios
  .filter((s) => (values.scenario?.length ? values.scenario.includes(s.name) : !quick || s.quick))
  .sort((a, b) => Number(a.last ?? false) - Number(b.last ?? false));
if (chosen.length === 0) {
  console.error(`no scenario matches; known: ${scenarios.map((s) => s.name).join(', ')}`);
  process.exit(1);
}

const startedAt = new Date();
const suiteStarted = performance.now();
const port = Number(process.env['FAULTS_KAFKA_PORT'] ?? 19793);
const version = process.env['RELAIS_KAFKA_VERSION'] ?? '3.9.1';
// The launcher's own directory for this port, so `relais kafka stop --port` finds a cluster
// that a killed run left behind; one left by an earlier run is stopped here first.
const kafkaDir = clusterDir(version, port);
if ((await stopKafkaAt(kafkaDir, 5000)) > 0) say('stopped a cluster left over by an earlier run');
say(`starting a 3-broker Kafka cluster on 127.0.0.1:${port}-${port + 2}…`);
const security = process.env['FAULTS_KAFKA_SECURITY'] === 'plaintext' ? 'plaintext' : 'sasl_ssl';
let cluster = await startKafka({ nodes: 3, port, dir: kafkaDir, fresh: true, version, security });
/** What every part, and the scenarios' own clients, connect with. */
const admin = cluster.security.as(ADMIN_PRINCIPAL);
const securityEnv = kafkaSecurityEnv(admin.security, {
  ...(cluster.security.caFile ? { caFile: cluster.security.caFile } : {}),
  ...(admin.passwordFile ? { passwordFile: admin.passwordFile } : {}),
});
/** Starts the cluster again on its data (after a scenario stopped it); the harness keeps the new one. */
async function restartCluster(): Promise<KafkaCluster> {
  cluster = await startKafka({ nodes: 3, port, dir: kafkaDir, version, security });
  return cluster;
}
const results: Result[] = [];
try {
  for (const scenario of chosen) results.push(await runScenario(scenario));
} finally {
  await cluster.stop(5000);
  rmSync(kafkaDir, { recursive: true, force: true });
}

const durationSeconds = (performance.now() - suiteStarted) / 1000;
console.log(`\n${table(results)}\n`);
for (const r of results) for (const n of r.notes) console.log(`  ${r.scenario}: ${n}`);
console.log(`\nfault suite: ${results.length} scenario(s) in ${durationSeconds.toFixed(0)} s on a 3-broker cluster`);
const dir = join('faults', 'results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `${startedAt.toISOString().slice(0, 10)}${quick ? '-quick' : ''}${values.scenario?.length ? '-partial' : ''}.json`);
writeFileSync(
  file,
  `${JSON.stringify({ startedAt: startedAt.toISOString(), quick, machine: machine(`${cluster.version} × 3 brokers`, 'PostgreSQL'), durationSeconds, results }, null, 2)}\n`,
);
say(`results written to ${file}`);
const clean = results.every((r) => !r.error && figures.every((f) => r[f] === 0));
if (values.assert && !clean) process.exit(1);
