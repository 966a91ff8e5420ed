/**
 * A `fetch` for a connector's typed client (openapi-fetch's `fetch` option) over node:http with
 * a keep-alive agent. The global fetch (undici) spends about 0.3–0.6 ms of CPU per call on its
 * WHATWG machinery (streams, the fetch algorithm): in the bench's pipeline it was a third of a
 * REST connector's CPU under load. Here the request's body is read once, sent in one write, and
 * the answer read into one buffer — silo calls are small JSON documents (docs/adr/0042).
 *
 * What a caller sees is what fetch gives: a Response, or a rejection (a network failure, or the
 * request's signal aborting, with the signal's reason).
 */
import http from 'node:http';
import https from 'node:https';

export interface HttpFetchOptions {
  /** Sockets kept per silo host (default 16, as many as the runtime's lanes and a margin). */
  maxSockets?: number;
}

export type HttpFetch = (request: Request) => Promise<Response>;

export function httpFetch(options: HttpFetchOptions = {}): HttpFetch & { close(): void } {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 16 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 16 }),
  };
  const call = async (request: Request): Promise<Response> => {
    request.signal.throwIfAborted();
    const url = new URL(request.url);
    const agent = url.protocol === 'https:' ? agents['https:'] : url.protocol === 'http:' ? agents['http:'] : undefined;
    if (!agent) throw new TypeError(`unsupported protocol ${url.protocol}`);
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const headers: Record<string, string> = Object.fromEntries(request.headers);
    if (body) headers['content-length'] = String(body.length);
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise<Response>((resolve, reject) => {
      const outgoing = transport.request(url, { method: request.method, headers, agent, signal: request.signal }, (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () => {
          const status = incoming.statusCode ?? 502;
          const answered = new Headers();
          for (const [name, value] of Object.entries(incoming.headers)) {
            if (value === undefined) continue;
            for (const one of Array.isArray(value) ? value : [value]) answered.append(name, one);
          }
          // A 1xx/204/304 answer has no body, and Response refuses one.
          const empty = status === 204 || status === 304 || status < 200;
          resolve(
            new Response(empty ? null : Buffer.concat(chunks), { status, statusText: incoming.statusMessage ?? '', headers: answered }),
          );
        });
      });
      outgoing.on('error', (error) => {
        // Aborted: the signal's reason (a TimeoutError for AbortSignal.timeout), as fetch does.
        const reason: unknown = request.signal.reason;
        reject(request.signal.aborted && reason instanceof Error ? reason : error);
      });
      outgoing.end(body);
    });
  };
  return Object.assign(call, {
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  });
}
