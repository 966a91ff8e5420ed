import { once } from 'node:events';
import { createServer } from 'node:net';

/**
 * A port free right now on `host`, for a server whose port another party must know before it
 * starts (the quick start's webhook receiver, which the social-services simulator notifies).
 * Another process may take it before it is used: for a server of your own, listen on port 0.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const probe = createServer().listen(0, host);
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
