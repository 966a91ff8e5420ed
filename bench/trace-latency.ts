/**
 * One change at a time through the whole pipeline, each hop's time from the store: where a lone
 * change waits (issue 17's "time to applied at 10/s").
 * `node bench/trace-latency.ts [count] [warm-up changes]`.
 *
 * The lone changes follow a warm-up (default 500 changes at 100/s): a lone change in a process
 * that has handled a few changes only runs interpreted code, and a fresh broker compiles its own
 * hot paths for minutes; measured, both made a lone change 1.5–2× slower than in a system that
 * has been running (docs/adr/0045). Only the lone changes are counted.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startKafka } from '../infra/kafka/kafka.ts';
import { load } from './lib/load.ts';
import { settled } from './phases/pipeline.ts';
import { startBenchStack, token } from './lib/stack.ts';

const count = Number(process.argv[2] ?? 30);
const warmUp = Number(process.argv[3] ?? 500);
const kafka = process.env['KAFKA_BROKERS']
  ? undefined
  : await startKafka({ port: Number(process.env['RELAIS_BENCH_KAFKA_PORT'] ?? 29592), fresh: true });
const brokers = process.env['KAFKA_BROKERS'] ?? kafka!.brokers;
const stack = await startBenchStack({ brokers, pipeline: true, citizens: count + 100, name: 'trace' });
/** An address change for the i-th citizen (the warm-up goes round the last hundred). */
const change = (citizen: number, n: number) =>
  JSON.stringify({
    type: 'fr.relais.citizen.address.changed.v1',
    citizen: { pivotId: stack.citizens[citizen]!.pivotId },
    channel: 'web',
    data: {
      address: { number: String(n + 1), streetName: 'rue T', postcode: '69003', communeName: 'Lyon', country: 'FR' },
      effectiveDate: '2026-11-01',
    },
  });
try {
  let warmed = 0;
  const warmFrom = new Date();
  const warm = await load({
    url: `${stack.gatewayUrl}/v1/changes`,
    headers: { authorization: `Bearer ${token}` },
    next: () => ({ body: change(count + (warmed % 100), warmed++) }),
    seconds: warmUp / 100,
    connections: 8,
    rate: 100,
  });
  // The warm-up's deliveries and notices settled, then a moment: the lone changes find idle parts.
  await settled(stack, warmFrom, 120_000);
  await sleep(3000);
  console.log(`warm-up: ${warm.ok} changes at 100/s (${warm.failed} failed)`);
  const from = new Date();
  const answered: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const response = await fetch(`${stack.gatewayUrl}/v1/changes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: change(i, i),
    });
    await response.arrayBuffer();
    answered.push(performance.now() - started);
    await sleep(200);
  }
  await sleep(3000);
  const result = await stack.db.query<Record<string, number | string>>(
    `WITH t AS (
       SELECT cr.system, extract(epoch FROM o.created_at - c.accepted_at) * 1000 AS outboxed,
              extract(epoch FROM o.sent_at - c.accepted_at) * 1000 AS published,
              extract(epoch FROM cr.delivered_at - c.accepted_at) * 1000 AS routed,
              extract(epoch FROM cr.applied_at - c.accepted_at) * 1000 AS applied
         FROM changes c JOIN change_recipients cr ON cr.change_id = c.id
         LEFT JOIN outbox o ON o.headers->>'ce_id' = c.id::text
        WHERE c.accepted_at >= $1 AND cr.system = ANY($2::text[]))
     SELECT system, count(*)::int AS n,
            round(percentile_cont(0.5) WITHIN GROUP (ORDER BY outboxed)::numeric, 1) AS outboxed,
            round(percentile_cont(0.5) WITHIN GROUP (ORDER BY published)::numeric, 1) AS published,
            round(percentile_cont(0.5) WITHIN GROUP (ORDER BY routed)::numeric, 1) AS routed,
            round(percentile_cont(0.5) WITHIN GROUP (ORDER BY applied)::numeric, 1) AS applied,
            round(percentile_cont(0.9) WITHIN GROUP (ORDER BY applied)::numeric, 1) AS applied_p90
       FROM t GROUP BY system ORDER BY system`,
    [from, stack.systems],
  );
  answered.sort((a, b) => a - b);
  console.log(`answered p50 ${answered[Math.floor(answered.length / 2)]!.toFixed(1)} ms (client side)`);
  console.table(result.rows);
} finally {
  for (const part of stack.parts) await part.stop();
  await stack.stop();
  await kafka?.stop();
}
