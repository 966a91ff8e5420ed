/**
 * Pipeline: changes posted to the gateway at a steady 10, 100 and 500 changes/s, fanned out by
 * the router to every system that has a simulator, applied by one connector process each.
 * Measured from the store: time from acceptance to each system's first `applied` (p50, p99),
 * and the rate at which changes were applied everywhere. Baseline at each rate: each system's
 * connector applying the same changes directly at that rate (lib/direct.ts), no Relais around
 * it — what writing to that silo costs anyway.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchContext } from '../run.ts';
import { loadFlows } from '../../core/flows/flows.ts';
import { perChange } from '../lib/cpu.ts';
import { directApply } from '../lib/direct.ts';
import { load } from '../lib/load.ts';
import type { Row } from '../lib/report.ts';
import { stackCpuMeter, startBenchStack, token, type BenchStack } from '../lib/stack.ts';

const address = (i: number) => ({
  number: String(1 + (i % 99)),
  streetName: `rue ${i}`,
  postcode: '69003',
  communeName: 'Lyon',
  country: 'FR',
});

interface SystemTimes {
  system: string;
  applied: number;
  p50: number | null;
  p99: number | null;
  /** Where the time goes: acceptance → the router's delivery, then → the connector's decision. */
  published_p50: number | null;
  routed_p50: number | null;
  connector_p50: number | null;
}

/**
 * Waits until every delivery of the changes accepted since `from` to a system the bench runs is
 * settled (systems without a bench entry, such as tax and email, keep their deliveries pending); returns how many are still open at the deadline. */
export async function settled(stack: BenchStack, from: Date, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await stack.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM change_recipients cr JOIN changes c ON c.id = cr.change_id
        WHERE c.accepted_at >= $1 AND cr.status IN ('pending', 'delivered') AND cr.system = ANY($2::text[])`,
      [from, stack.systems],
    );
    const unsent = stack.notified.length ? await notices(stack, from).then((n) => n.notices - n.emailed) : 0;
    if ((open.rows[0]!.n === 0 && unsent <= 0) || Date.now() > deadline) return open.rows[0]!.n + Math.max(0, unsent);
    await sleep(200);
  }
}

/**
 * The citizens' notices of the changes accepted since `from` (privacy/settled-notice.ts), and how
 * long each took to reach the mailbox: from acceptance, and from the last system's settlement
 * (the notice's own path: receipts consumer → outbox → router → email connector → SMTP).
 */
async function notices(stack: BenchStack, from: Date) {
  const result = await stack.db.query<{
    notices: number;
    emailed: number;
    p50: number | null;
    p99: number | null;
    after_settled_p50: number | null;
  }>(
    `WITH n AS (
       SELECT n.notice_id, c.accepted_at, (SELECT max(r.settled_at) FROM change_recipients r WHERE r.change_id = c.id) AS settled_at
         FROM settled_notices n JOIN changes c ON c.id = n.change_id WHERE c.accepted_at >= $1)
     SELECT count(*)::int AS notices, count(l.event_id)::int AS emailed,
            (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM l.recorded_at - n.accepted_at) * 1000))::float8 AS p50,
            (percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM l.recorded_at - n.accepted_at) * 1000))::float8 AS p99,
            (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM l.recorded_at - n.settled_at) * 1000))::float8 AS after_settled_p50
       FROM n LEFT JOIN sink_ledger l ON l.system = ANY($2::text[]) AND l.event_id = n.notice_id AND l.outcome = 'applied'`,
    [from, stack.notified],
  );
  return result.rows[0]!;
}

async function times(stack: BenchStack, from: Date): Promise<{ systems: SystemTimes[]; changes: number; appliedPerSecond: number }> {
  const bySystem = await stack.db.query<SystemTimes>(
    `SELECT cr.system, count(cr.applied_at)::int AS applied,
            (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM cr.applied_at - c.accepted_at) * 1000))::float8 AS p50,
            (percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM cr.applied_at - c.accepted_at) * 1000))::float8 AS p99,
            (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM o.sent_at - c.accepted_at) * 1000))::float8 AS published_p50,
            (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM cr.delivered_at - c.accepted_at) * 1000))::float8 AS routed_p50,
            (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM cr.applied_at - cr.delivered_at) * 1000))::float8 AS connector_p50
       FROM change_recipients cr JOIN changes c ON c.id = cr.change_id
       -- The outbox row of the change (its event's ce_id): when the relay marked it sent.
       LEFT JOIN outbox o ON o.headers->>'ce_id' = c.id::text
      WHERE c.accepted_at >= $1 AND cr.system = ANY($2::text[]) GROUP BY cr.system ORDER BY cr.system`,
    [from, stack.systems],
  );
  const overall = await stack.db.query<{ changes: number; complete: number; span_s: number | null }>(
    `WITH per_change AS (
       SELECT c.id, c.accepted_at, bool_and(cr.status = 'applied') AS complete, max(cr.applied_at) AS last_applied
         FROM changes c JOIN change_recipients cr ON cr.change_id = c.id WHERE c.accepted_at >= $1 AND cr.system = ANY($2::text[]) GROUP BY c.id, c.accepted_at)
     SELECT count(*)::int AS changes, count(*) FILTER (WHERE complete)::int AS complete,
            extract(epoch FROM max(last_applied) - min(accepted_at))::float8 AS span_s FROM per_change`,
    [from, stack.systems],
  );
  const { changes, complete, span_s } = overall.rows[0]!;
  return { systems: bySystem.rows, changes, appliedPerSecond: span_s ? complete / span_s : 0 };
}

export async function pipelinePhase(ctx: BenchContext): Promise<Row[]> {
  // Quick mode keeps each rate's batch small (CI's two minutes include the settling), and stops
  // waiting for stragglers after 30 s: the rows then say how many were still open.
  const plan = ctx.quick
    ? [
        { rate: 10, seconds: 1.5 },
        { rate: 100, seconds: 1 },
        { rate: 500, seconds: 1 },
      ]
    : [
        { rate: 10, seconds: 10 },
        { rate: 100, seconds: 10 },
        { rate: 500, seconds: 10 },
      ];
  const settleMs = ctx.quick ? 20_000 : 300_000;
  const directSeconds = ctx.quick ? 1 : 5;
  const stack = await startBenchStack({ brokers: ctx.brokers, pipeline: true, citizens: ctx.quick ? 50 : 200, name: 'pipeline' });
  const rows: Row[] = [];
  try {
    ctx.say('pipeline: stack started');
    if (stack.skipped.length > 0) ctx.say(`pipeline: no simulator wired in bench/lib/silos.ts for ${stack.skipped.join(', ')}: left out`);
    let n = 0;
    const next = () => {
      const i = n++;
      const citizen = stack.citizens[i % stack.citizens.length]!;
      return {
        body: JSON.stringify({
          type: 'fr.relais.citizen.address.changed.v1',
          citizen: { pivotId: citizen.pivotId },
          channel: 'web',
          data: { address: address(i), effectiveDate: '2026-11-01' },
        }),
      };
    };
    // Warm-up: enough changes through every part that the figures are a running system's, not
    // a cold one's (connections, consumer fetch loops, and above all the JIT: a lone change
    // through parts that handled ten changes took 1.5–2× longer; docs/adr/0045).
    const warm = new Date();
    await load({
      url: `${stack.gatewayUrl}/v1/changes`,
      headers: { authorization: `Bearer ${token}` },
      next,
      seconds: ctx.quick ? 3 : 10,
      connections: 8,
      rate: 100,
    });
    await settled(stack, warm, ctx.quick ? 30_000 : 120_000);
    // The systems a change goes to (email receives only the notice, measured apart).
    const changeSystems = stack.systems.filter((system) => !stack.notified.includes(system));
    ctx.say(`pipeline: ${stack.systems.length} systems up and warm`);
    // What the stack costs with nothing to do (fetch loops, heartbeats, polls, the broker's own
    // work): at 10/s it is most of the CPU per change, so the rows also give the cost above it.
    const idleMeter = stackCpuMeter(stack, ctx.brokers);
    const idleSeconds = ctx.quick ? 2 : 5;
    await idleMeter.start();
    await sleep(idleSeconds * 1000);
    const idlePerSecond = [...(await idleMeter.stop()).values()].reduce((sum, ms) => sum + ms, 0) / idleSeconds;

    for (const { rate, seconds } of plan) {
      const direct = await silosDirect(stack, rate, directSeconds);
      // Every process that works for a change, from the first post until all are settled.
      const meter = stackCpuMeter(stack, ctx.brokers);
      await meter.start();
      const metered = performance.now();
      const from = new Date();
      const posted = await load({
        url: `${stack.gatewayUrl}/v1/changes`,
        headers: { authorization: `Bearer ${token}` },
        next,
        seconds,
        connections: Math.min(64, Math.max(4, rate / 5)),
        rate,
      });
      ctx.say(`pipeline: ${posted.ok} changes posted at ${rate}/s; waiting for them to settle`);
      const open = await settled(stack, from, settleMs);
      const cpu = perChange(await meter.stop(), posted.ok);
      const idleShare = (idlePerSecond * (performance.now() - metered)) / 1000 / Math.max(1, posted.ok);
      const measured = await times(stack, from);
      rows.push({
        phase: 'pipeline',
        metric: `CPU-ms per change, all processes, at ${rate}/s offered`,
        value: cpu.total,
        unit: 'ms',
        baseline: null,
        target: { value: 4, higher: false },
        note: `${cpu.note}; over ${posted.ok} changes, from the first post until every delivery settled`,
      });
      rows.push({
        phase: 'pipeline',
        metric: `CPU-ms per change above the stack's idle cost, at ${rate}/s offered`,
        value: cpu.total - idleShare,
        unit: 'ms',
        baseline: null,
        note: `idle: ${Math.round(idlePerSecond)} ms of CPU per second over every process (measured ${idleSeconds} s before the rates), ${idleShare.toFixed(1)} ms per change over this rate's window`,
      });
      rows.push({
        phase: 'pipeline',
        metric: `changes/s applied in all ${changeSystems.length} system(s) at ${rate}/s offered`,
        value: measured.appliedPerSecond,
        unit: '/s',
        baseline: { name: 'accepted by the gateway', value: posted.okPerSecond },
        // Issue 17: at 500/s, ≥ 0.9× of what was accepted is applied everywhere.
        ...(rate === 500 ? { target: { value: 0.9, higher: true, on: 'ratio' as const } } : {}),
        note: `${measured.changes} changes${open ? `, ${open} deliveries still open after ${settleMs / 1000} s (not in the times)` : ''}; systems: ${changeSystems.join(', ')}${stack.skipped.length ? `; not run: ${stack.skipped.join(', ')}` : ''}`,
      });
      for (const s of measured.systems) {
        const base = direct.get(s.system);
        const batched = stack.batched.includes(s.system);
        rows.push(
          {
            phase: 'pipeline',
            metric: `time to applied p50 at ${rate}/s, ${s.system}`,
            value: s.p50 ?? Number.NaN,
            unit: 'ms',
            baseline: base ? { name: 'its connector called directly', value: base.p50 } : null,
            // The targets are per change (REST, SOAP, SQL silos); a file's window is there by design.
            ...(rate <= 100 && !batched ? { target: { value: 30, higher: false } } : {}),
            note: `${batched ? 'to the file’s acknowledgement (window 200 ms); ' : ''}accepted → published p50 ${Math.round(s.published_p50 ?? Number.NaN)} ms, accepted → routed p50 ${Math.round(s.routed_p50 ?? Number.NaN)} ms, routed → applied p50 ${Math.round(s.connector_p50 ?? Number.NaN)} ms`,
          },
          {
            phase: 'pipeline',
            metric: `time to applied p99 at ${rate}/s, ${s.system}`,
            value: s.p99 ?? Number.NaN,
            unit: 'ms',
            baseline: base ? { name: 'its connector called directly', value: base.p99 } : null,
            ...(rate <= 100 && !batched ? { target: { value: 100, higher: false } } : {}),
            note: `${s.applied} applied`,
          },
        );
      }
      if (stack.notified.length > 0) {
        // The citizen's notice (email): told once every system has settled the change.
        const sent = await notices(stack, from);
        rows.push({
          phase: 'pipeline',
          metric: `time to the citizen's notice p50 at ${rate}/s (${stack.notified.join(', ')})`,
          value: sent.p50 ?? Number.NaN,
          unit: 'ms',
          baseline: null,
          note: `from acceptance; from the last system's settlement p50 ${Math.round(sent.after_settled_p50 ?? Number.NaN)} ms, p99 from acceptance ${Math.round(sent.p99 ?? Number.NaN)} ms; ${sent.emailed} of ${sent.notices} notices in the mailbox`,
        });
      }
    }
  } finally {
    for (const part of stack.parts) {
      await part.stop();
      ctx.rss(part.name, part.peakRssMiB());
    }
    await stack.stop();
  }
  return rows;
}

/** Each silo's connector applying the same changes directly at `rate`, no Relais around it. */
async function silosDirect(stack: BenchStack, rate: number, seconds: number): Promise<Map<string, { p50: number; p99: number }>> {
  const out = new Map<string, { p50: number; p99: number }>();
  const flows = loadFlows('flows');
  for (const [system, silo] of stack.silos) {
    // A silo that takes files has no per-change call to compare with (bench/tax-batch.ts measures
    // its files); the mailbox receives notices, not changes.
    if (stack.batched.includes(system) || stack.notified.includes(system)) continue;
    const result = await directApply({
      system,
      flows,
      env: { ...stack.env, ...silo.connectorEnv },
      citizenId: (i) => silo.citizenId(i),
      pivotIdOf: (i) => stack.citizens[i]!.pivotId,
      citizens: stack.citizens.length,
      rate,
      seconds,
      event: (i) => ({
        type: 'fr.relais.citizen.address.changed.v1',
        data: { address: address(100_000 + i), effectiveDate: '2026-11-01' },
      }),
    });
    out.set(system, result);
  }
  return out;
}
