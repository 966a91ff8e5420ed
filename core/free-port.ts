import { createServer } from 'node:net';

// Below Linux's ephemeral range (32768–60999), which outgoing connections use: port 0 gave such
// ports, and on a busy suite one was taken before the server listened (EADDRINUSE in CI).
const LOW = 10_000;
const HIGH = 25_000;

function bindable(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer().once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

/**
 * A port free right now on `host`, for a server whose port another party must know before it
 * starts (the quick start's webhook receiver, which the social-services simulator notifies).
 * Another process may still take it before it is used: for a server of your own, listen on port 0.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (await bindable(port, host)) return port;
  }
  throw new Error(`no free port between ${LOW} and ${HIGH} on ${host} after 50 tries`);
}
