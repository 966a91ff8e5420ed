/**
 * The operations listener of the processes that have no HTTP API of their own (router,
 * connectors): GET /metrics (Prometheus), /healthz (alive) and /readyz (each dependency, with
 * a reason when not ready). The gateway serves the same routes on its own port.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeError } from './errors.ts';
import { checkReadiness, type Check } from './health.ts';
import type { Logger } from './logger.ts';
import { scrape, type RelaisMetrics } from './metrics.ts';

export interface OpsServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function startOpsServer(options: {
  port: number;
  host: string;
  metrics: RelaisMetrics;
  checks: () => Check[];
  logger: Logger;
}): Promise<OpsServer> {
  const json = (status: number, body: unknown): [number, string, string] => [status, 'application/json', JSON.stringify(body)];
  async function answer(path: string): Promise<[number, string, string]> {
    switch (path) {
      case '/metrics': {
        const { contentType, body } = await scrape(options.metrics);
        return [200, contentType, body];
      }
      case '/healthz':
        return json(200, { status: 'ok' });
      case '/readyz': {
        const readiness = await checkReadiness(options.checks());
        return json(readiness.status === 'unavailable' ? 503 : 200, readiness);
      }
      default:
        return json(404, { status: 404, title: 'Not Found' });
    }
  }
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://ops').pathname;
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    answer(path).then(
      ([status, type, body]) => res.writeHead(status, { 'content-type': type }).end(body),
      (error: unknown) => {
        options.logger.error({ path, error: describeError(error) }, 'operations endpoint failed');
        res.writeHead(500).end();
      },
    );
  });
  server.listen(options.port, options.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://${options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
