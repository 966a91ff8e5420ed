/**
 * The thin wrapper over SFTP (ssh2-sftp-client over ssh2) for the tax connector. It keeps one
 * connection, opened on first use and again after a failure, and turns every library error into
 * a RetryableError that says what was being done ("listing /outbox on the tax host: …"), so no
 * raw ssh2 error leaves this file. Uploads are atomic for the reader: the bytes go to a dot file
 * (`.<name>.part`, which the tax office ignores), renamed to its name once complete.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import SftpClient from 'ssh2-sftp-client';
import { RelaisError, RetryableError, unlessAborted } from '@relais/connector-kit';

export interface TaxClientOptions {
  host: string;
  port: number;
  username: string;
  /** Private key (OpenSSH or PEM text) or the file holding it. */
  privateKey?: string | undefined;
  privateKeyFile?: string | undefined;
  /** `SHA256:…` of the server's host key; when set, any other key is refused. */
  hostKeyFingerprint?: string | undefined;
  /** Connection (TCP + SSH handshake) time limit; default 10 s. */
  readyTimeoutMs?: number;
  /** Where the exchange folders (inbox/, outbox/, changes/) are on the server; default `/`. */
  baseDir?: string | undefined;
}

export interface RemoteFile {
  name: string;
  size: number;
}

const fingerprintOf = (key: Buffer): string => `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;

/** Closes a session without waiting for the host: its socket is destroyed. */
function drop(sftp: SftpClient): void {
  // ssh2-sftp-client keeps its ssh2 Client as `client`; its type declarations omit it.
  (sftp as unknown as { client?: { destroy?(): void } }).client?.destroy?.();
  sftp.end().catch(() => undefined);
}

export class TaxSftpClient {
  private connection: Promise<SftpClient> | undefined;
  private readonly where: string;

  private readonly options: TaxClientOptions;

  constructor(options: TaxClientOptions) {
    this.options = options;
    this.where = `the tax host ${options.host}:${options.port}`;
  }

  /** A path of the exchange (`/inbox/…`) as a path on the server. */
  private at(path: string): string {
    return posix.join(this.options.baseDir ?? '/', path);
  }

  private privateKey(): string {
    if (this.options.privateKey) return this.options.privateKey;
    if (!this.options.privateKeyFile)
      throw new RelaisError('CONFIG_INVALID', 'TAX_SFTP_KEY_FILE is not set: the tax connector authenticates with a key');
    return readFileSync(this.options.privateKeyFile, 'utf8');
  }

  private connect(): Promise<SftpClient> {
    this.connection ??= (async () => {
      // Quiet: the library's default listeners print to the console; failures reach the caller anyway.
      const client = new SftpClient('relais-tax', { error: () => undefined, end: () => undefined, close: () => undefined });
      const expected = this.options.hostKeyFingerprint;
      await client.connect({
        host: this.options.host,
        port: this.options.port,
        username: this.options.username,
        privateKey: this.privateKey(),
        readyTimeout: this.options.readyTimeoutMs ?? 10_000,
        retries: 0,
        ...(expected ? { hostVerifier: (key: Buffer) => fingerprintOf(key) === expected } : {}),
      });
      // Without TCP_NODELAY each SFTP request waits out the peer's delayed ACK (~40 ms per write).
      // (ssh2-sftp-client keeps its ssh2 Client as `client`; its type declarations omit it.)
      (client as unknown as { client: { setNoDelay(noDelay: boolean): unknown } }).client.setNoDelay(true);
      // A dropped connection is noticed by the next call, which reconnects.
      client.on('close', () => (this.connection = undefined));
      client.on('error', () => (this.connection = undefined));
      return client;
    })();
    this.connection.catch(() => (this.connection = undefined));
    return this.connection;
  }

  /**
   * Runs one SFTP action; a failure drops the connection (reopened next time) and is retryable.
   * When `signal` aborts (a time limit, a stop), the action is given up at once and its
   * connection destroyed: a host that stopped answering must not hold the caller.
   */
  private async run<T>(action: string, work: (sftp: SftpClient) => Promise<T>, signal?: AbortSignal): Promise<T> {
    let sftp: SftpClient;
    try {
      sftp = await unlessAborted(this.connect(), signal);
    } catch (error) {
      if (error instanceof RelaisError) throw error;
      throw new RetryableError(`${action} on ${this.where}: cannot connect (${(error as Error).message})`, { cause: error });
    }
    try {
      return await unlessAborted(work(sftp), signal);
    } catch (error) {
      this.connection = undefined;
      drop(sftp);
      throw new RetryableError(`${action} on ${this.where}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Streams `chunks` into `<dir>/<name>` atomically (dot file, then rename). */
  async upload(dir: string, name: string, chunks: AsyncIterable<Buffer>, signal?: AbortSignal): Promise<number> {
    const temporary = this.at(posix.join(dir, `.${name}.part`));
    let bytes = 0;
    await this.run(
      `uploading ${name} to ${dir}`,
      async (sftp) => {
        const body = new PassThrough();
        const feeding = pipeline(
          Readable.from(chunks),
          async function* (source: AsyncIterable<Buffer>) {
            for await (const chunk of source) {
              if (signal?.aborted) throw new Error('upload aborted');
              bytes += chunk.length;
              yield chunk;
            }
          },
          body,
        );
        await Promise.all([sftp.put(body, temporary), feeding]);
        await sftp.rename(temporary, this.at(posix.join(dir, name)));
      },
      signal,
    );
    return bytes;
  }

  /** Files (not directories, not dot files) of a directory whose name ends with `suffix`, sorted by name. */
  async list(dir: string, suffix: string, signal?: AbortSignal): Promise<RemoteFile[]> {
    return this.run(
      `listing ${dir}`,
      async (sftp) =>
        (await sftp.list(this.at(dir)))
          .filter((f) => f.type === '-' && !f.name.startsWith('.') && f.name.endsWith(suffix))
          .map((f) => ({ name: f.name, size: f.size }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      signal,
    );
  }

  /**
   * Streams the file from byte `start` into `consume`. A transfer error is a RetryableError; an
   * error thrown by `consume` itself (a format error) passes through unchanged.
   */
  async read<T>(path: string, start: number, consume: (bytes: AsyncIterable<Buffer>) => Promise<T>, signal?: AbortSignal): Promise<T> {
    let consumerFailed = false;
    let consumerError: unknown;
    const value = await this.run(
      `reading ${path}`,
      async (sftp): Promise<T | undefined> => {
        const stream = sftp.createReadStream(this.at(path), { start }) as Readable;
        let transferFailed = false;
        stream.on('error', () => (transferFailed = true));
        try {
          return await consume(stream);
        } catch (error) {
          if (transferFailed) throw error;
          consumerFailed = true;
          consumerError = error;
          return undefined;
        } finally {
          stream.destroy();
        }
      },
      signal,
    );
    if (consumerFailed) throw consumerError;
    return value as T;
  }

  async exists(path: string): Promise<boolean> {
    return this.run(`looking for ${path}`, async (sftp) => (await sftp.exists(this.at(path))) !== false);
  }

  /** Moves a file; already moved (the source gone, the target there) counts as done. */
  async move(from: string, to: string, signal?: AbortSignal): Promise<void> {
    await this.run(
      `moving ${from} to ${to}`,
      async (sftp) => {
        if ((await sftp.exists(this.at(from))) === false && (await sftp.exists(this.at(to))) !== false) return;
        await sftp.rename(this.at(from), this.at(to));
      },
      signal,
    );
  }

  async writeText(path: string, text: string, signal?: AbortSignal): Promise<void> {
    await this.run(`writing ${path}`, async (sftp) => void (await sftp.put(Buffer.from(text, 'utf8'), this.at(path))), signal);
  }

  /** Ends the session; one that does not close within a second (a host not answering) is destroyed. */
  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    const sftp = await connection?.catch(() => undefined);
    if (!sftp) return;
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([
      sftp.end().then(
        () => true,
        () => true,
      ),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 1000))),
    ]);
    clearTimeout(timer);
    if (!ended) drop(sftp);
  }
}
