/**
 * Gateway: durable changes/s and latency under max-rate and fixed-rate load, beside a bare
 * node:http server and a bare express app doing no work, each in its own process. "Durable"
 * means answered 202: committed to PostgreSQL with its outbox row (checked against the store).
 */
import type { BenchContext } from '../run.ts';
import { load, type LoadResult } from '../lib/load.ts';
import { freePort } from '../../core/free-port.ts';
import { startPart, type Part } from '../lib/processes.ts';
import type { Row } from '../lib/report.ts';
import type { Db } from '../../core/store/db.ts';
import { startBenchStack, token } from '../lib/stack.ts';
import { backendPids, brokerPids, cpuMeter, perChange } from '../lib/cpu.ts';
import { storeCeiling } from '../lib/store-ceiling.ts';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits until the relay has published every stored change, so its work is inside the CPU figure.
 * Throws if it has not by the deadline: figures taken while the relay cannot publish (a broker
 * out of reach) leave out its work and the broker's, and would look better than the truth.
 */
async function drained(db: Db, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  let unsent = Number.NaN;
  while (Date.now() < deadline) {
    unsent = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL')).rows[0]!.n;
    if (unsent === 0) return;
    await sleep(100);
  }
  throw new Error(`gateway phase: ${unsent} changes still unpublished after ${deadlineMs / 1000} s: is the broker reachable?`);
}

/**
 * The population the load names: as after an onboarding import, every identifier is already in
 * the crosswalk (an unknown one is refused, 422 citizen-unknown). Linked in one statement before
 * the run; the load walks through them, so consecutive changes name different citizens.
 */
const population = 50_000;
const localId = (n: number): string => `B-${n}`;

async function linkPopulation(db: Db): Promise<void> {
  // One statement for 50,000 citizens: longer than the store's time limit on a busy machine.
  await db.withSession(
    (session) =>
      session.query(
        `WITH born AS (SELECT n, gen_random_uuid() AS pivot_id FROM generate_series(0, $1::int - 1) AS n),
          citizens AS (INSERT INTO citizens (pivot_id) SELECT pivot_id FROM born)
     INSERT INTO citizen_identifiers (system, local_id, pivot_id, link_method, linked_by)
     SELECT 'social-services', 'B-' || n, pivot_id, 'import', 'bench' FROM born`,
        [population],
      ),
    { timeoutMs: 120_000 },
  );
}

let sent = 0;
function nextChange(): { body: string } {
  const citizen = { system: 'social-services', id: localId(sent++ % population) };
  return {
    body: JSON.stringify({
      type: 'fr.relais.citizen.address.changed.v1',
      citizen,
      channel: 'web',
      data: {
        address: { number: '12', streetName: 'rue des Lilas', postcode: '69003', communeName: 'Lyon', country: 'FR' },
        effectiveDate: '2026-11-01',
      },
    }),
  };
}

async function baseline(kind: 'node-http' | 'express'): Promise<{ part: Part; url: string }> {
  const port = await freePort();
  const part = await startPart(`baseline ${kind}`, 'bench/baselines.ts', [kind, String(port)], {}, /baseline ready/);
  return { part, url: `http://127.0.0.1:${port}/v1/changes` };
}

export async function gatewayPhase(ctx: BenchContext): Promise<Row[]> {
  const seconds = ctx.quick ? 2 : 10;
  const rate = ctx.quick ? 500 : 1000;
  const connections = 32;
  const measure = async (url: string, headers: Record<string, string> = {}): Promise<{ max: LoadResult; fixed: LoadResult }> => {
    await load({ url, next: nextChange, headers, seconds: 1, connections }); // warm-up (JIT, pools)
    const max = await load({ url, next: nextChange, headers, seconds, connections });
    const fixed = await load({ url, next: nextChange, headers, seconds, connections, rate });
    return { max, fixed };
  };

  /** One gateway measured: its load results, the changes stored and the CPU they cost. */
  const measureGateway = async (name: string, env: Record<string, string>) => {
    const stack = await startBenchStack({ brokers: ctx.brokers, pipeline: false, citizens: 0, name, env });
    try {
      await linkPopulation(stack.db);
      const meter = cpuMeter([
        { name: 'gateway', pids: () => [stack.gateway.pid] },
        { name: 'postgres', pids: () => backendPids(stack.db) },
        { name: 'broker', pids: () => brokerPids(ctx.brokers) },
      ]);
      await meter.start();
      const results = await measure(`${stack.gatewayUrl}/v1/changes`, { authorization: `Bearer ${token}` });
      await drained(stack.db, 30_000);
      const spent = await meter.stop();
      const stored = (await stack.db.query<{ n: number }>('SELECT count(*)::int AS n FROM changes')).rows[0]!.n;
      return { ...results, stored, cpu: perChange(spent, stored) };
    } finally {
      await stack.gateway.stop();
      ctx.rss(name === 'gateway' ? 'gateway' : `gateway (${name})`, stack.gateway.peakRssMiB());
      await stack.stop();
    }
  };

  const [nodeHttp, bareExpress] = await Promise.all([baseline('node-http'), baseline('express')]);
  const results: Record<string, { max: LoadResult; fixed: LoadResult }> = {};
  for (const [kind, server] of [
    ['node-http', nodeHttp],
    ['express', bareExpress],
  ] as const) {
    try {
      results[kind] = await measure(server.url);
    } finally {
      await server.part.stop();
      ctx.rss(`baseline ${kind}`, server.part.peakRssMiB());
    }
  }
  // The A/B of group commit in the same run: the gateway as shipped, then one transaction per change.
  const gateway = await measureGateway('gateway', {});
  const single = await measureGateway('gateway-single', { RELAIS_GROUP_COMMIT_MAX: '0' });
  const { stored, cpu } = gateway;
  const accepted = gateway.max.ok + gateway.fixed.ok;
  // A figure over refused requests would measure the refusal path: say so loudly instead.
  if (accepted === 0) throw new Error(`gateway phase: no change accepted (${gateway.max.failed + gateway.fixed.failed} failed)`);
  const node = results['node-http']!;
  const express = results['express']!;
  // Measured after the stack has stopped, so the two do not share the CPU.
  const ceiling = await storeCeiling(ctx.quick ? 5 : 15);
  if ('missing' in ceiling) ctx.say(`gateway: no store ceiling: ${ceiling.missing}`);
  const note = `${accepted} answered 202, ${stored} in the store (warm-up included: ${stored - accepted}); failed ${gateway.max.failed + gateway.fixed.failed}`;
  const row = (metric: string, value: number, unit: string, baseline: Row['baseline'], extra: Partial<Row> = {}): Row => ({
    phase: 'gateway',
    metric,
    value,
    unit,
    baseline,
    ...extra,
  });
  return [
    row(
      'durable changes/s, max rate',
      gateway.max.okPerSecond,
      '/s',
      { name: 'bare express', value: express.max.okPerSecond },
      { target: { value: 1500, higher: true }, note },
    ),
    ...('tps' in ceiling
      ? [
          row(
            'durable changes/s, max rate',
            gateway.max.okPerSecond,
            '/s',
            { name: "the store's ceiling (pgbench -N, 16 clients)", value: ceiling.tps },
            { target: { value: 0.5, higher: true, on: 'ratio' } },
          ),
        ]
      : []),
    row('CPU-ms per change (gateway, its PostgreSQL backends, broker)', cpu.total, 'ms', null, {
      target: { value: 4, higher: false },
      note: `${cpu.note}; over ${stored} changes, warm-up, max-rate and fixed-rate load, until the outbox was drained`,
    }),
    row('durable changes/s, max rate', gateway.max.okPerSecond, '/s', {
      name: 'one transaction per change (RELAIS_GROUP_COMMIT_MAX=0)',
      value: single.max.okPerSecond,
    }),
    row(`latency p99 at ${rate}/s`, gateway.fixed.p99Ms, 'ms', { name: 'one transaction per change', value: single.fixed.p99Ms }),
    row(
      'CPU-ms per change (gateway, its PostgreSQL backends, broker)',
      cpu.total,
      'ms',
      { name: 'one transaction per change', value: single.cpu.total },
      { note: `one transaction per change: ${single.cpu.note}` },
    ),
    row('durable changes/s, max rate', gateway.max.okPerSecond, '/s', { name: 'bare node:http', value: node.max.okPerSecond }),
    row('latency p50, max rate', gateway.max.p50Ms, 'ms', { name: 'bare express', value: express.max.p50Ms }),
    row('latency p99, max rate', gateway.max.p99Ms, 'ms', { name: 'bare express', value: express.max.p99Ms }),
    row(`durable changes/s at ${rate}/s offered`, gateway.fixed.okPerSecond, '/s', {
      name: 'bare express',
      value: express.fixed.okPerSecond,
    }),
    row(`latency p50 at ${rate}/s`, gateway.fixed.p50Ms, 'ms', { name: 'bare express', value: express.fixed.p50Ms }),
    row(
      `latency p99 at ${rate}/s`,
      gateway.fixed.p99Ms,
      'ms',
      { name: 'bare express', value: express.fixed.p99Ms },
      { target: { value: 50, higher: false } },
    ),
    row(`latency p99 at ${rate}/s`, gateway.fixed.p99Ms, 'ms', { name: 'bare node:http', value: node.fixed.p99Ms }),
  ];
}
