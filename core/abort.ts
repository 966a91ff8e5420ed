/**
 * Giving up on a call that takes no AbortSignal (a driver's connect, an SMTP send, an SFTP
 * request): for connectors, whose calls must end when their context's signal aborts.
 *
 * `work`, or a rejection with `reason` as soon as `signal` aborts. `work` is not stopped: it is
 * left to finish or fail on its own (its failure is swallowed), so close what it holds (destroy
 * its connection) when that matters.
 */
export function unlessAborted<T>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
  reason = 'given up (timed out or stopping)',
): Promise<T> {
  if (!signal) return work;
  work.catch(() => undefined);
  if (signal.aborted) return Promise.reject(new Error(reason));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new Error(reason));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
