/**
 * An operator's pause of one system (docs/adr/0040-pausing-a-connector.md). While the system's
 * row is in `connector_pauses`, the runtime waits before applying — like an open circuit, the
 * partition's handler does not return, so nothing is consumed further, applied or
 * dead-lettered; the lag grows and shows in GET /v1/systems. The flag is read at most once per
 * `refreshMs` (a query per batch would cost a round trip per batch for a rare event).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describeError } from '../../../../core/errors.ts';
import type { Logger } from '../../../../core/logger.ts';
import type { Queryable } from '../../../../core/store/db.ts';

export interface PauseGate {
  /** Resolves at once unless the system is paused; then when it is resumed, or false if `stop` fired first. */
  passed(stop: AbortSignal): Promise<boolean>;
}

export function pauseGate(db: Queryable, system: string, logger: Logger, refreshMs = 1000): PauseGate {
  let paused = false;
  let readAt = Number.NEGATIVE_INFINITY;
  async function isPaused(): Promise<boolean> {
    if (Date.now() - readAt < refreshMs) return paused;
    try {
      const found = await db.query('SELECT 1 FROM connector_pauses WHERE system = $1', [system]);
      if (found.rows.length > 0 !== paused)
        logger.info({ system }, found.rows.length > 0 ? 'deliveries paused by an operator' : 'deliveries resumed');
      paused = found.rows.length > 0;
    } catch (error) {
      // The last known state holds: a store that cannot be read must not lift a pause.
      logger.warn({ system, error: describeError(error) }, 'could not read the connector pause');
    }
    readAt = Date.now();
    return paused;
  }
  return {
    async passed(stop) {
      while (await isPaused()) {
        try {
          await sleep(Math.min(refreshMs, 250), undefined, { signal: stop });
        } catch {
          return false;
        }
      }
      return !stop.aborted;
    },
  };
}
