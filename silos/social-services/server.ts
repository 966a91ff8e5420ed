/** Starts the simulator on a port (0 = ephemeral) with its store, in memory or in a data directory. */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { closeServer } from '../shared/process.ts';
import { createSocialServicesApp } from './app.ts';
import { SocialServicesStore } from './store.ts';
import { WebhookSender, type WebhookOptions } from './webhook.ts';

export interface SocialServicesSiloOptions {
  /** 0 picks an ephemeral port; default 0. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Directory of the JSON data file; absent, the data lives in memory. */
  dataDir?: string;
  /** Value required in `X-Api-Key` on `/dossiers` routes; absent, no check. */
  apiKey?: string;
  /** Subscriber of the desk's change notifications (signed webhook); absent, none are sent. */
  webhook?: WebhookOptions;
}

export interface SocialServicesSilo {
  url: string;
  port: number;
  /** Stops accepting connections, lets requests in flight finish, then flushes the store. */
  close(): Promise<void>;
}

export async function startSocialServicesSilo(options: SocialServicesSiloOptions = {}): Promise<SocialServicesSilo> {
  const host = options.host ?? '127.0.0.1';
  const store = await SocialServicesStore.open(options.dataDir === undefined ? {} : { dataDir: options.dataDir });
  const webhook = options.webhook ? new WebhookSender(options.webhook) : undefined;
  const app = createSocialServicesApp({
    store,
    ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
    ...(webhook ? { webhook } : {}),
  });
  const server = app.listen(options.port ?? 0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close() {
      closing ??= closeServer(server, async () => {
        await webhook?.close();
        await store.flush();
      });
      return closing;
    },
  };
}
