/**
 * The per-silo baseline: the system's own connector (from the registry) applies deliveries at
 * a steady rate, called directly — the same silo write, with none of Relais around it. Each
 * call gets a fresh event id; latency is measured per call.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConnectors } from '../../connectors/loader.ts';
import { readSettings } from '../../core/settings.ts';
import { createLogger } from '../../core/logger.ts';
import type { Flows } from '../../core/flows/flows.ts';
import { planDeliveries } from '../../core/flows/plan.ts';
import { percentile } from './report.ts';

export interface DirectOptions {
  system: string;
  flows: Flows;
  env: Record<string, string>;
  citizenId(index: number): string;
  pivotIdOf(index: number): string;
  citizens: number;
  rate: number;
  seconds: number;
  /** The change applied: an event type and its data for call `i`. */
  event(i: number): { type: string; data: Record<string, unknown> };
}

export async function directApply(options: DirectOptions): Promise<{ p50: number; p99: number; failed: number }> {
  const declared = options.flows.systems.get(options.system);
  const definition = declared ? (await loadConnectors()).get(declared.connector) : undefined;
  if (!definition?.createSink) throw new Error(`bench: ${options.system} has no sink to call directly`);
  const logger = createLogger({ component: 'bench-direct', level: 'warn' });
  const settings = readSettings(definition.settings, { ...process.env, ...options.env });
  const sink = await definition.createSink({ system: options.system, settings, logger });
  const latencies: number[] = [];
  let failed = 0;
  const calls: Promise<void>[] = [];
  const total = Math.round(options.rate * options.seconds);
  const started = performance.now();
  try {
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / options.rate;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const { type, data } = options.event(i);
      const plan = planDeliveries(options.flows, { type, data, channel: 'web' }).deliveries.find((p) => p.system === options.system);
      if (!plan) throw new Error(`bench: no route takes ${type} to ${options.system}`);
      const index = i % options.citizens;
      const delivery = {
        eventId: randomUUID(),
        type,
        pivotId: options.pivotIdOf(index),
        system: options.system,
        routeId: plan.routeId,
        citizenId: options.citizenId(index),
        data: plan.data,
        time: new Date().toISOString(),
      };
      calls.push(
        (async () => {
          const t = performance.now();
          const outcome = await sink.apply(delivery, { signal: AbortSignal.timeout(10_000), attempt: 1, logger }).catch(() => undefined);
          if (outcome?.status === 'applied') latencies.push(performance.now() - t);
          else failed++;
        })(),
      );
    }
    await Promise.all(calls);
  } finally {
    await sink.close?.();
  }
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), failed };
}
