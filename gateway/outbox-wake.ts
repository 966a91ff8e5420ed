/**
 * Push, not poll, across replicas: the outbox's insert trigger (migration 190) NOTIFYs
 * `relais_outbox` when a transaction that wrote outbox rows commits, and the relay LISTENs, so
 * the replica holding the lease publishes a change accepted by another replica at once instead of
 * at its next poll. The replica that accepted it already nudges its own relay in-process. Polling
 * stays as the fallback: a lost connection (or a missed notification) costs one poll interval,
 * never a change. PostgreSQL only; the embedded store serves one process, where the nudge suffices.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { describeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';

export const OUTBOX_CHANNEL = 'relais_outbox';

export interface OutboxWake {
  stop(): Promise<void>;
}

export function listenForOutbox(options: { databaseUrl: string; logger: Logger; onWake: () => void; timeoutMs: number }): OutboxWake {
  const stopping = new AbortController();
  let client: pg.Client | undefined;

  async function listenOnce(): Promise<void> {
    const current = new pg.Client({
      connectionString: options.databaseUrl,
      connectionTimeoutMillis: options.timeoutMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    client = current;
    const ended = new Promise<void>((resolve) => {
      current.once('end', resolve);
      current.on('error', () => resolve());
    });
    current.on('notification', () => options.onWake());
    await current.connect();
    await current.query(`LISTEN ${OUTBOX_CHANNEL}`);
    // Rows committed while this connection was being made were not notified: one wake covers them.
    options.onWake();
    await ended;
  }

  const loop = (async () => {
    let failures = 0;
    while (!stopping.signal.aborted) {
      try {
        await listenOnce();
        failures = 0;
      } catch (error) {
        failures++;
        if (failures === 1) options.logger.warn({ error: describeError(error) }, 'outbox wake-up cannot listen; the relay polls meanwhile');
      }
      await client?.end().catch(() => undefined);
      await sleep(Math.min(5000, 100 * 2 ** Math.min(failures, 6)), undefined, { signal: stopping.signal }).catch(() => undefined);
    }
  })();

  return {
    async stop() {
      stopping.abort();
      await client?.end().catch(() => undefined);
      await loop;
    },
  };
}
