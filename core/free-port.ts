import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Below Linux's ephemeral range (32768–60999), which outgoing connections and port 0 use, and
// clear of the brokers' default ports (tests 19092–20142, faults 19793–20795, bench 29092–30594).
const LOW = 21_000;
const HIGH = 29_000;
const WINDOW_MS = 10 * 60_000;

function bindable(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer().once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

/**
 * Test files run side by side, each picking ports some seconds before its servers listen: a
 * port is claimed by creating a file in this 10-minute window's folder (created once, by one
 * process), and is not handed out again in this window or the next, by any process of the machine.
 */
function claim(port: number): boolean {
  const window = Math.floor(Date.now() / WINDOW_MS);
  const folder = (w: number): string => join(tmpdir(), 'relais-ports', String(w));
  mkdirSync(folder(window), { recursive: true });
  rmSync(folder(window - 2), { recursive: true, force: true });
  if (existsSync(join(folder(window - 1), String(port)))) return false;
  try {
    writeFileSync(join(folder(window), String(port)), '', { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false; // another process claimed it first
    throw error;
  }
}

/**
 * A port free right now on `host` and handed out to no one else for at least 10 minutes, for a
 * server whose port another party must know before it starts (a compose service, the quick start's
 * webhook receiver). A process that does not ask here may still take it: for a server of your
 * own, listen on port 0.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (claim(port) && (await bindable(port, host))) return port;
  }
  throw new Error(`no free port between ${LOW} and ${HIGH} on ${host} after 50 tries`);
}
