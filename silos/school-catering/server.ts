/** Starts the simulator on a port (0 = ephemeral) with its store, in memory or in a data directory. */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { closeServer } from '../shared/process.ts';
import { createSchoolCateringApp } from './app.ts';
import { SchoolCateringStore } from './store.ts';

export interface SchoolCateringSiloOptions {
  /** 0 (default) picks an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Directory of the JSON data file; absent, the data lives in memory. */
  dataDir?: string;
  /** Bearer token required on /familles and /personnes; absent, no check. */
  token?: string;
}

export interface SchoolCateringSilo {
  url: string;
  port: number;
  store: SchoolCateringStore;
  /** Stops accepting connections, lets requests in flight finish, then flushes the store. */
  close(): Promise<void>;
}

export async function startSchoolCateringSilo(options: SchoolCateringSiloOptions = {}): Promise<SchoolCateringSilo> {
  const host = options.host ?? '127.0.0.1';
  const store = await SchoolCateringStore.open(options.dataDir);
  const server = createSchoolCateringApp({ store, ...(options.token ? { token: options.token } : {}) }).listen(options.port ?? 0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    store,
    close() {
      closing ??= closeServer(server, () => store.flush());
      return closing;
    },
  };
}
