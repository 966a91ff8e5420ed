/** Exponential backoff with jitter and time limits, shared by the sink runtime (retries) and the source runtime (failing polls). */
import { RetryableError } from '../../../../core/errors.ts';

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/**
 * The wait before attempt `attempt + 1`: base × 2^(attempt−1), capped at maxMs, then a random
 * part of it between half and all (so instances failing together do not retry together).
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.round(ceiling * (0.5 + random() * 0.5));
}

/** A time limit ran out: the silo may or may not have done what was asked (`unknown`). */
export class TimedOut extends RetryableError {}

/**
 * Runs `run` with a time limit, whether or not it honours its signal: at the limit the signal
 * aborts and the result is a RetryableError saying `what` timed out. `outer` (a stop request)
 * aborts the signal too, without a timeout error.
 */
export async function withTimeLimit<T>(
  ms: number,
  what: string,
  run: (signal: AbortSignal) => Promise<T>,
  outer?: AbortSignal,
): Promise<T> {
  const controller = new AbortController();
  const signal = outer ? AbortSignal.any([controller.signal, outer]) : controller.signal;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new TimedOut(`${what} timed out after ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([run(signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}
