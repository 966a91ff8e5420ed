/**
 * What erasure costs the consumers, counted: messages of an erased citizen skipped (never applied,
 * never dead-lettered), per consumer — `router` or the system whose deliveries were skipped.
 */
import { Counter, type Registry } from 'prom-client';

const NAME = 'relais_erased_skipped_total';

export function erasedSkippedCounter(registry: Registry): (consumer: string, count: number) => void {
  const counter =
    (registry.getSingleMetric(NAME) as Counter<'consumer'> | undefined) ??
    new Counter({
      name: NAME,
      help: 'Messages of an erased citizen skipped by a consumer (their key destroyed: nothing to read), by consumer (router or system).',
      labelNames: ['consumer'],
      registers: [registry],
    });
  return (consumer, count) => {
    if (count > 0) counter.inc({ consumer }, count);
  };
}
