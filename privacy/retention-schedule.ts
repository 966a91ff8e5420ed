/**
 * The scheduled retention purge (retention.ts): every `intervalMs`, the replica that holds the
 * `retention-purge` lease runs one pass as of the current time. A failed pass is logged and
 * tried again at the next tick: the purge is idempotent, nothing is lost by waiting.
 */
import { randomUUID } from 'node:crypto';
import { describeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { holdLease } from '../core/store/lease.ts';
import type { Db } from '../core/store/db.ts';
import { purgeExpired, type RetentionDays, type RetentionMetrics } from './retention.ts';

export function startRetentionPurge(options: {
  db: Db;
  days: RetentionDays;
  intervalMs: number;
  logger: Logger;
  metrics?: RetentionMetrics;
  /** The clock; a test gives its own. */
  now?: () => Date;
}): { close(): Promise<void> } {
  if (options.intervalMs <= 0) return { close: async () => undefined };
  const holder = randomUUID();
  let running: Promise<void> | undefined;
  const tick = () => {
    running ??= (async () => {
      try {
        // The lease outlives the interval a little: one replica purges, the others skip.
        if (!(await holdLease(options.db, 'retention-purge', holder, options.intervalMs * 2))) return;
        await purgeExpired(options.db, options.days, (options.now ?? (() => new Date()))(), options.metrics);
      } catch (error) {
        options.logger.warn({ error: describeError(error) }, 'retention purge failed; retried at the next tick');
      } finally {
        running = undefined;
      }
    })();
  };
  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  return {
    async close() {
      clearInterval(timer);
      await running;
    },
  };
}
