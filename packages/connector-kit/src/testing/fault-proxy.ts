/**
 * A TCP proxy in front of a silo, to inject the two faults a silo without a fault mode of its
 * own (an SFTP server, a database, an SMTP server) cannot: point the connector at `port`, then
 *   stall()   holds every byte, both ways, on open and new connections: the silo seems to hang
 *             mid-call (what a conformance suite's `stall` needs);
 *   cut()     takes it down: the listening port closes and every open connection is dropped,
 *             so calls fail at once; restore() listens again on the same port.
 * The silo itself keeps running (a test may share it with others).
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface FaultProxy {
  host: string;
  port: number;
  /** Holds every byte from now on (the silo seems to hang); the function returned lets them through. */
  stall(): () => Promise<void>;
  /** Closes the listening port and every open connection (the silo seems down). */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function faultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
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
  const listen = (port: number): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const cut = async (): Promise<void> => {
    // Closing a server that is not listening (cut twice, or close after cut) is not an error here.
    const closed = server.listening ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  await listen(0);
  const { port } = server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    stall() {
      held ??= [];
      return async () => {
        const queued = held ?? [];
        held = undefined;
        for (const { to, chunk } of queued) pass(to, chunk);
      };
    },
    cut,
    restore: () => listen(port),
    close: cut,
  };
}
