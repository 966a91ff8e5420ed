/**
 * What the quick start prints once everything runs: where to look, and demo requests to paste.
 * The simulators write their own lines (silos/<name>/simulator.ts, `banner`), sorted by rank
 * between the header and the footer.
 */
import type { RunningRelais } from './start-all.ts';

type RelaisInfo = Omit<RunningRelais, 'stop'>;

export function banner(running: RelaisInfo): string {
  const lines = [...running.banner].sort((a, b) => a.rank - b.rank).flatMap((entry) => entry.lines);
  return [
    '',
    `Relais is running (store: ${running.store}, Kafka: ${running.brokers}).`,
    `  gateway         ${running.gatewayUrl}   (API: ${running.gatewayUrl}/openapi.json)`,
    `  dev credential  ${running.devToken}`,
    ...lines,
    '',
    'Ctrl-C stops everything, the Kafka broker included.',
  ].join('\n');
}
