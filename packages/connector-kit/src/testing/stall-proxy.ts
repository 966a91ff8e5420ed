/**
 * A TCP proxy in front of a silo that can hold every byte, both ways, on open and new
 * connections: how a conformance suite makes a silo without a slow mode of its own (an SFTP
 * server, a database, an SMTP server) stop answering mid-call. Point the connector at `port`.
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface StallProxy {
  host: string;
  port: number;
  /** Holds every byte from now on (the silo seems to hang); the function returned lets them through. */
  stall(): () => Promise<void>;
  close(): Promise<void>;
}

export async function stallProxy(target: { host: string; port: number }): Promise<StallProxy> {
  const sockets = new Set<Socket>();
  // While stalled, bytes (and ends: null) wait here, in order.
  let held: { to: Socket; chunk: Buffer | null }[] | undefined;
  const pass = (to: Socket, chunk: Buffer | null): void => {
    if (to.destroyed) return;
    if (chunk) to.write(chunk);
    else to.end();
  };
  const forward = (from: Socket, to: Socket): void => {
    from.on('data', (chunk: Buffer) => (held ? held.push({ to, chunk }) : pass(to, chunk)));
    from.on('end', () => (held ? held.push({ to, chunk: null }) : pass(to, null)));
  };
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    stall() {
      held ??= [];
      return async () => {
        const queued = held ?? [];
        held = undefined;
        for (const { to, chunk } of queued) pass(to, chunk);
      };
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
