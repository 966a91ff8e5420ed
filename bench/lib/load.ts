/**
 * HTTP load with autocannon, in two shapes: max rate (as fast as `connections` keep-alive
 * clients can go) and fixed rate (a steady `rate` requests/s overall, latency measured at a
 * load the server is expected to sustain). `[<id>]` in a body is replaced by a unique id per
 * request (autocannon's idReplacement), so each change is a different one.
 */
import autocannon from 'autocannon';

export interface LoadResult {
  /** 2xx answers per second over the run. */
  okPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  ok: number;
  failed: number;
  seconds: number;
}

export interface LoadOptions {
  url: string;
  body?: string;
  headers?: Record<string, string>;
  seconds: number;
  connections: number;
  /** Requests/s overall; absent: max rate. */
  rate?: number;
  /** A different request each time (body and headers), instead of `body`. */
  next?: () => { body: string; headers?: Record<string, string> };
  /** PUT instead of POST for `next` requests. */
  method?: 'POST' | 'PUT';
  /** Path per request for `next` requests (default: the URL's). */
  path?: () => string;
}

export async function load(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    method: options.body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    ...(options.body === undefined ? {} : { body: options.body }),
    idReplacement: true,
    ...(options.next
      ? {
          requests: [
            {
              method: options.method ?? 'POST',
              setupRequest: (request) => {
                const next = options.next!();
                return {
                  ...request,
                  ...(options.path ? { path: options.path() } : {}),
                  body: next.body,
                  headers: { ...request.headers, 'content-type': 'application/json', ...options.headers, ...next.headers },
                };
              },
            },
          ],
        }
      : {}),
    connections: options.connections,
    duration: options.seconds,
    ...(options.rate === undefined ? {} : { overallRate: options.rate }),
  });
  return {
    okPerSecond: result['2xx'] / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    ok: result['2xx'],
    failed: result.non2xx + result.errors,
    seconds: result.duration,
  };
}
