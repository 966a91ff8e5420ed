/**
 * An operator's pause of one system (docs/adr/0040-pausing-a-connector.md). While the system's
 * row is in `connector_pauses`, the runtime waits before applying — like an open circuit, the
 * partition's handler does not return, so nothing is consumed further, applied or
 * dead-lettered; the lag grows and shows in GET /v1/systems.
 *
 * The flag is read in the background every `refreshMs`, not on a batch's path: a read on the
 * path cost a round trip (2–6 ms measured here under load) to one batch in every refresh period,
 * for a rare event (docs/performance.md). Only the first batch waits, for the first read: a
 * connector restarted while paused must not apply anything before it knows.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describeError } from '../../../../core/errors.ts';
import type { Logger } from '../../../../core/logger.ts';
import type { Queryable } from '../../../../core/store/db.ts';

export interface PauseGate {
  /** Resolves at once unless the system is paused; then when it is resumed, or false if `stop` fired first. */
  passed(stop: AbortSignal): Promise<boolean>;
  /** Stops the background reads. */
  close(): void;
}

export function pauseGate(db: Queryable, system: string, logger: Logger, refreshMs = 1000): PauseGate {
  let paused = false;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  async function read(): Promise<void> {
    try {
      const found = await db.query('SELECT 1 FROM connector_pauses WHERE system = $1', [system]);
      if (found.rows.length > 0 !== paused)
        logger.info({ system }, found.rows.length > 0 ? 'deliveries paused by an operator' : 'deliveries resumed');
      paused = found.rows.length > 0;
    } catch (error) {
      // The last known state holds: a store that cannot be read must not lift a pause.
      logger.warn({ system, error: describeError(error) }, 'could not read the connector pause');
    }
  }

  /** One read, then the next one scheduled after it (never two at once, whatever the store's speed). */
  const first = (async function refresh(): Promise<void> {
    await read();
    if (!closed) timer = setTimeout(() => void refresh(), refreshMs).unref();
  })();

  return {
    async passed(stop) {
      await first;
      while (paused) {
        try {
          await sleep(Math.min(refreshMs, 250), undefined, { signal: stop });
        } catch {
          return false;
        }
      }
      return !stop.aborted;
    },
    close() {
      closed = true;
      clearTimeout(timer);
    },
  };
}
