/**
 * A real SSH server (ssh2's Server) with the SFTP subsystem, serving one directory on disk to
 * clients that authenticate with a key listed in `authorizedKeys`. Paths are jailed in `root`.
 * Enough of SFTP v3 for a batch exchange and for OpenSSH's `sftp` client: open/read/write/close,
 * stat, directories, remove, rename (refusing to overwrite, as SFTP v3 says), mkdir, realpath.
 */
import { timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { promises as fs, type Stats } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { posix, resolve, sep } from 'node:path';
import ssh2 from 'ssh2';
import type { Attributes, Connection, FileEntry, SFTPWrapper } from 'ssh2';
import { parseKey } from './keys.ts';

const { Server, utils } = ssh2;
const { STATUS_CODE } = utils.sftp;

export interface SftpServerOptions {
  root: string;
  /** Host private key (OpenSSH or PEM). */
  hostKey: string | Buffer;
  /** Public keys allowed in, in authorized_keys format (one per entry). */
  authorizedKeys: string[];
  username: string;
  port?: number;
  host?: string;
  /** Called when a client closed a file it wrote (the silo looks at its inbox then). */
  onWritten?(path: string): void;
  /**
   * Fault injection: asked before each write; a number cuts the connection after writing only
   * that many bytes of this write (a network failure in the middle of an upload).
   */
  cutWrite?(path: string, offset: number, length: number): number | undefined;
}

export interface SftpServer {
  port: number;
  close(): Promise<void>;
  /** Connections open now (tests drop them to simulate a network failure). */
  connections(): Connection[];
}

function toAttrs(stats: Stats): Attributes {
  return {
    mode: stats.mode,
    uid: stats.uid,
    gid: stats.gid,
    size: stats.size,
    atime: Math.floor(stats.atimeMs / 1000),
    mtime: Math.floor(stats.mtimeMs / 1000),
  };
}

function longname(name: string, stats: Stats): string {
  const type = stats.isDirectory() ? 'd' : '-';
  return `${type}rw-r--r-- 1 tax tax ${stats.size} ${new Date(stats.mtimeMs).toISOString().slice(0, 10)} ${name}`;
}

type Handle = { kind: 'file'; fd: fs.FileHandle; path: string; writing: boolean } | { kind: 'dir'; path: string; done: boolean };

function serveSftp(sftp: SFTPWrapper, options: SftpServerOptions, client: Connection): void {
  const root = resolve(options.root);
  const handles = new Map<number, Handle>();
  let nextHandle = 1;
  const jail = (remote: string): string => {
    const local = resolve(root, `.${posix.normalize(`/${remote}`)}`);
    if (local !== root && !local.startsWith(root + sep)) throw new Error('outside the root');
    return local;
  };
  const handleOf = (buffer: Buffer): Handle | undefined => (buffer.length === 4 ? handles.get(buffer.readUInt32BE(0)) : undefined);
  const newHandle = (handle: Handle): Buffer => {
    const id = nextHandle++;
    handles.set(id, handle);
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32BE(id);
    return buffer;
  };
  /** Runs an operation; any failure answers the request with a status instead of crashing. */
  const answer = (reqid: number, work: () => Promise<void>): void => {
    work().catch((error: NodeJS.ErrnoException) => {
      sftp.status(
        reqid,
        error.code === 'ENOENT' ? STATUS_CODE.NO_SUCH_FILE : error.code === 'EACCES' ? STATUS_CODE.PERMISSION_DENIED : STATUS_CODE.FAILURE,
        error.code ?? error.message,
      );
    });
  };

  sftp.on('OPEN', (reqid, filename, flags) =>
    answer(reqid, async () => {
      const mode = utils.sftp.flagsToString(flags) ?? 'r';
      const fd = await fs.open(jail(filename), mode);
      sftp.handle(reqid, newHandle({ kind: 'file', fd, path: filename, writing: mode !== 'r' }));
    }),
  );
  sftp.on('READ', (reqid, handle, offset, length) =>
    answer(reqid, async () => {
      const h = handleOf(handle);
      if (h?.kind !== 'file') return void sftp.status(reqid, STATUS_CODE.FAILURE, 'bad handle');
      const buffer = Buffer.alloc(Math.min(length, 256 * 1024));
      const { bytesRead } = await h.fd.read(buffer, 0, buffer.length, offset);
      if (bytesRead === 0) sftp.status(reqid, STATUS_CODE.EOF);
      else sftp.data(reqid, buffer.subarray(0, bytesRead));
    }),
  );
  sftp.on('WRITE', (reqid, handle, offset, data) =>
    answer(reqid, async () => {
      const h = handleOf(handle);
      if (h?.kind !== 'file') return void sftp.status(reqid, STATUS_CODE.FAILURE, 'bad handle');
      const cut = options.cutWrite?.(h.path, offset, data.length);
      if (cut !== undefined) {
        await h.fd.write(data, 0, Math.min(cut, data.length), offset);
        client.end();
        return;
      }
      await h.fd.write(data, 0, data.length, offset);
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );
  sftp.on('CLOSE', (reqid, handle) =>
    answer(reqid, async () => {
      const h = handleOf(handle);
      if (!h) return void sftp.status(reqid, STATUS_CODE.FAILURE, 'bad handle');
      handles.delete(handle.readUInt32BE(0));
      if (h.kind === 'file') {
        await h.fd.close();
        if (h.writing) options.onWritten?.(h.path);
      }
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );
  sftp.on('FSTAT', (reqid, handle) =>
    answer(reqid, async () => {
      const h = handleOf(handle);
      if (h?.kind !== 'file') return void sftp.status(reqid, STATUS_CODE.FAILURE, 'bad handle');
      sftp.attrs(reqid, toAttrs(await h.fd.stat()));
    }),
  );
  const stat = (reqid: number, path: string): void => answer(reqid, async () => void sftp.attrs(reqid, toAttrs(await fs.stat(jail(path)))));
  sftp.on('STAT', stat);
  sftp.on('LSTAT', stat);
  sftp.on('SETSTAT', (reqid) => sftp.status(reqid, STATUS_CODE.OK));
  sftp.on('FSETSTAT', (reqid) => sftp.status(reqid, STATUS_CODE.OK));
  sftp.on('OPENDIR', (reqid, path) =>
    answer(reqid, async () => {
      if (!(await fs.stat(jail(path))).isDirectory()) return void sftp.status(reqid, STATUS_CODE.FAILURE, 'not a directory');
      sftp.handle(reqid, newHandle({ kind: 'dir', path, done: false }));
    }),
  );
  sftp.on('READDIR', (reqid, handle) =>
    answer(reqid, async () => {
      const h = handleOf(handle);
      if (h?.kind !== 'dir') return void sftp.status(reqid, STATUS_CODE.FAILURE, 'bad handle');
      if (h.done) return void sftp.status(reqid, STATUS_CODE.EOF);
      h.done = true;
      const dir = jail(h.path);
      const names: FileEntry[] = [];
      for (const name of await fs.readdir(dir)) {
        const stats = await fs.stat(resolve(dir, name)).catch(() => undefined);
        if (stats) names.push({ filename: name, longname: longname(name, stats), attrs: toAttrs(stats) });
      }
      if (names.length === 0) sftp.status(reqid, STATUS_CODE.EOF);
      else sftp.name(reqid, names);
    }),
  );
  sftp.on('REMOVE', (reqid, path) => answer(reqid, async () => (await fs.unlink(jail(path)), void sftp.status(reqid, STATUS_CODE.OK))));
  sftp.on('RMDIR', (reqid, path) => answer(reqid, async () => (await fs.rmdir(jail(path)), void sftp.status(reqid, STATUS_CODE.OK))));
  sftp.on('MKDIR', (reqid, path) => answer(reqid, async () => (await fs.mkdir(jail(path)), void sftp.status(reqid, STATUS_CODE.OK))));
  sftp.on('RENAME', (reqid, from, to) =>
    answer(reqid, async () => {
      const target = jail(to);
      if (
        await fs.stat(target).then(
          () => true,
          () => false,
        )
      )
        return void sftp.status(reqid, STATUS_CODE.FAILURE, 'target exists');
      await fs.rename(jail(from), target);
      sftp.status(reqid, STATUS_CODE.OK);
      options.onWritten?.(to);
    }),
  );
  sftp.on('REALPATH', (reqid, path) =>
    answer(reqid, async () => {
      const normalized = posix.normalize(`/${path}`);
      jail(normalized);
      sftp.name(reqid, [{ filename: normalized, longname: normalized, attrs: {} as Attributes }]);
    }),
  );
  // Extensions (OpenSSH's client asks for limits@openssh.com and others): none offered.
  sftp.on('EXTENDED', (reqid) => sftp.status(reqid, STATUS_CODE.OP_UNSUPPORTED));
  // The client closing its side (OpenSSH's sftp at the end of a batch) ends the channel.
  sftp.on('end', () => sftp.end());
  sftp.on('close', () => {
    for (const h of handles.values()) if (h.kind === 'file') void h.fd.close().catch(() => undefined);
    handles.clear();
  });
}

export async function startSftpServer(options: SftpServerOptions): Promise<SftpServer> {
  const allowed = options.authorizedKeys.map(parseKey);
  const clients = new Set<Connection>();
  const server = new Server({ hostKeys: [options.hostKey] }, (client) => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey' || ctx.username !== options.username) return ctx.reject(['publickey']);
      const key = allowed.find(
        (k) =>
          k.type === ctx.key.algo && k.getPublicSSH().length === ctx.key.data.length && timingSafeEqual(k.getPublicSSH(), ctx.key.data),
      );
      if (!key) return ctx.reject(['publickey']);
      // Without a signature the client only asks whether the key would do; with one it proves it holds the private key.
      if (!ctx.signature) return ctx.accept();
      if (key.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) === true) ctx.accept();
      else ctx.reject(['publickey']);
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        session.on('sftp', (acceptSftp) => serveSftp(acceptSftp(), options, client));
      });
    });
  });
  // Without TCP_NODELAY each SFTP request waits out the peer's delayed ACK (~40 ms per write).
  server.on('connection', (socket: Socket) => socket.setNoDelay(true));
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    port,
    connections: () => [...clients],
    async close() {
      for (const client of clients) client.end();
      await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
    },
  };
}
