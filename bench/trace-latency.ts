/**
 * One change at a time through the whole pipeline, each hop's time from the store: where a lone
 * change waits (issue 17's "time to applied at 10/s"). `node bench/trace-latency.ts [count]`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startKafka } from '../infra/kafka/kafka.ts';
import { startBenchStack, token } from './lib/stack.ts';

const count = Number(process.argv[2] ?? 30);
const kafka = process.env['KAFKA_BROKERS']
  ? undefined
  : await startKafka({ port: Number(process.env['RELAIS_BENCH_KAFKA_PORT'] ?? 29592), fresh: true });
const brokers = process.env['KAFKA_BROKERS'] ?? kafka!.brokers;
const stack = await startBenchStack({ brokers, pipeline: true, citizens: count + 5, name: 'trace' });
try {
  const from = new Date();
  const answered: number[] = [];
  for (let i = 0; i < count + 5; i++) {
    const started = performance.now();
    const response = await fetch(`${stack.gatewayUrl}/v1/changes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'fr.relais.citizen.address.changed.v1',
        citizen: { pivotId: stack.citizens[i]!.pivotId },
        channel: 'web',
        data: {
          address: { number: String(i + 1), streetName: 'rue T', postcode: '69003', communeName: 'Lyon', country: 'FR' },
          effectiveDate: '2026-11-01',
        },
      }),
    });
    await response.arrayBuffer();
    if (i >= 5) answered.push(performance.now() - started);
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
