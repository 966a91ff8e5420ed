/**
 * HTTP load in two shapes: max rate (autocannon: as fast as `connections` keep-alive clients can
 * go) and fixed rate (a steady `rate` requests/s overall, each request sent at its own time).
 * `[<id>]` in a body is replaced by a unique id per request, so each change is a different one.
 *
 * Why not autocannon for a fixed rate: its rate is per connection and per second — each
 * connection sends its share back to back at the start of every second, then waits. "500/s"
 * over 64 connections was a burst of 500 requests at full speed once a second, and "10/s" over 4
 * connections bursts of 2–3: latencies at a rate measured bursts, not the rate. Here request i
 * leaves at start + i/rate, whatever the answers before it (an open loop), and its latency counts
 * from that time, so a server falling behind shows in the figure (no coordinated omission).
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { percentile } from './report.ts';

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
  if (options.rate !== undefined) return pacedLoad({ ...options, rate: options.rate });
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

/** One request; resolves to its status (0 for a failure to connect or to read the answer). */
function send(
  agent: http.Agent,
  url: URL,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<number> {
  return new Promise((resolve) => {
    const request = http.request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method,
        agent,
        headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', () => resolve(0));
      },
    );
    request.on('error', () => resolve(0));
    request.end(body);
  });
}

/** A steady `rate`: request i leaves at start + i/rate; its latency counts from then. */
async function pacedLoad(options: LoadOptions & { rate: number }): Promise<LoadResult> {
  const url = new URL(options.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const total = Math.max(1, Math.round(options.rate * options.seconds));
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  const sent: Promise<void>[] = [];
  const started = performance.now();
  try {
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / options.rate;
      const wait = due - performance.now();
      if (wait >= 1) await sleep(wait);
      const next = options.next?.();
      const body = next ? next.body : options.body?.replaceAll('[<id>]', randomUUID());
      const method = next ? (options.method ?? 'POST') : body === undefined ? 'GET' : 'POST';
      const headers = { 'content-type': 'application/json', ...options.headers, ...next?.headers };
      const path = options.path?.() ?? `${url.pathname}${url.search}`;
      // A request late on its time counts from its time (a server falling behind shows); one
      // sent up to a millisecond early (not worth a timer) counts from when it left: an answer
      // may come back before its due time, and counting from that would make it negative.
      const from = Math.min(due, performance.now());
      sent.push(
        send(agent, url, method, path, headers, body).then((status) => {
          latencies.push(performance.now() - from);
          if (status >= 200 && status < 300) ok++;
          else failed++;
        }),
      );
    }
    await Promise.all(sent);
  } finally {
    agent.destroy();
  }
  // Over the time until the last answer: a server that falls behind accepts less than offered.
  const seconds = Math.max(options.seconds, (performance.now() - started) / 1000);
  return { okPerSecond: ok / seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), ok, failed, seconds };
}
