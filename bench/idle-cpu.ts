/**
 * What the pipeline costs when nothing happens: every process's CPU over a quiet interval
 * (consumers' fetch loops, heartbeats, pollers, the broker serving them).
 * `node bench/idle-cpu.ts [seconds]`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startKafka } from '../infra/kafka/kafka.ts';
import { stackCpuMeter, startBenchStack } from './lib/stack.ts';

const seconds = Number(process.argv[2] ?? 10);
const kafka = await startKafka({ port: Number(process.env['RELAIS_BENCH_KAFKA_PORT'] ?? 29592), fresh: true });
const stack = await startBenchStack({ brokers: kafka.brokers, pipeline: true, citizens: 5, name: 'idle' });
try {
  await sleep(5000);
  const meter = stackCpuMeter(stack, kafka.brokers);
  await meter.start();
  await sleep(seconds * 1000);
  const spent = await meter.stop();
  const total = [...spent.values()].reduce((a, b) => a + b, 0);
  console.log(
    `idle ${seconds} s: ${[...spent].map(([k, v]) => `${k} ${(v / seconds).toFixed(1)}`).join(', ')} ms of CPU per second; total ${(total / seconds / 10).toFixed(1)}% of one core`,
  );
} finally {
  for (const part of stack.parts) await part.stop();
  await stack.stop();
  await kafka.stop();
}
