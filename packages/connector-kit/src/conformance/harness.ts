/**
 * What both conformance suites share: the test broker and a fresh PostgreSQL store (the ones
 * `npm test` provides: KAFKA_BROKERS, TEST_DATABASE_URL), a topic prefix of their own, waiting
 * with a deadline, and observing a connector's calls without changing them.
 */
import { after } from 'node:test';
import type { Bus } from '../../../../core/bus/types.ts';
import { createLogger, type Logger } from '../../../../core/logger.ts';
import { createTestDatabase, type TestDatabase } from '../testing/databases.ts';
import { eventually } from '../testing/eventually.ts';
import { testBus, uniquePrefix } from '../testing/kafka.ts';

export { eventually };

export interface Harness {
  bus: Bus;
  database: TestDatabase;
  /** This suite's own topic prefix. */
  prefix: string;
  logger: Logger;
}

/** One bus and one store per test file, shared by its suites (a store takes seconds to create). */
let shared: Promise<{ bus: Bus; database: TestDatabase }> | undefined;
let closing = false;

/**
 * Called when a suite is registered (at the file's top level): returns how the suite gets its
 * harness in its `before` hook. The shared bus and store are closed after the file's last test.
 */
export function harness(system: string): () => Promise<Harness> {
  if (!closing) {
    closing = true;
    after(async () => {
      const opened = await shared;
      shared = undefined;
      await opened?.bus.close();
      await opened?.database.drop();
    });
  }
  return async () => {
    shared ??= (async () => ({ bus: testBus(undefined, `conformance-${system}`), database: await createTestDatabase('postgres') }))();
    const { bus, database } = await shared;
    return {
      bus,
      database,
      prefix: uniquePrefix('conf'),
      logger: createLogger({ component: 'conformance', level: process.env['LOG_LEVEL'] === 'debug' ? 'debug' : 'silent' }),
    };
  };
}

/** Counts calls in progress around a connector's methods, so a test can act while one is in flight. */
export class CallTracker {
  inFlight = 0;
  calls = 0;

  async track<T>(call: () => Promise<T>): Promise<T> {
    this.inFlight++;
    this.calls++;
    try {
      return await call();
    } finally {
      this.inFlight--;
    }
  }

  /** Resolves once a call has been in flight (started and not returned) at a check. */
  started(timeoutMs: number, what: string): Promise<true> {
    return eventually(async () => (this.inFlight > 0 ? true : undefined), timeoutMs, what);
  }
}

/**
 * How long `run` takes once `abort` is called, when it is already stuck: the connector must give
 * up its I/O on the signal (a rejection or an outcome both count: it returned). Infinity when it
 * has not returned after twice `boundMs`.
 */
export async function settleTime(run: (signal: AbortSignal) => Promise<unknown>, abortAfterMs: number, boundMs: number): Promise<number> {
  const controller = new AbortController();
  const pending = run(controller.signal).then(
    () => true,
    () => true,
  );
  await new Promise((resolve) => setTimeout(resolve, abortAfterMs));
  const aborted = performance.now();
  controller.abort();
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), boundMs * 2)));
  const settled = await Promise.race([pending, gaveUp]);
  clearTimeout(timer);
  return settled ? performance.now() - aborted : Number.POSITIVE_INFINITY;
}

/** `release` callable more than once (a test's own call, then its finally), run at most once. */
export function once(release: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= release());
}
