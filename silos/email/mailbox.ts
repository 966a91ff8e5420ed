/**
 * A local mailbox: a real SMTP server (the `smtp-server` package, plain SMTP over TCP) that
 * keeps every message it receives, in memory and, when given a directory, as .eml files — what
 * the quick start shows as "the citizen's inbox" and what the tests read emails from. It can
 * be told to refuse messages (temporarily, 451, or for good, 550) to exercise the connector.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  messageId: string | undefined;
  from: string;
  to: string[];
  subject: string;
  text: string;
  receivedAt: string;
  raw: string;
}

export interface Mailbox {
  host: string;
  port: number;
  /** smtp://host:port, for EMAIL_SMTP_URL. */
  url: string;
  messages(): ReceivedMail[];
  /** The next `count` answers to DATA are this SMTP reply code (451 temporary, 550 permanent). */
  refuse(code: 451 | 550, count?: number): void;
  close(): Promise<void>;
}

export async function startMailbox(options: { port?: number; host?: string; dir?: string } = {}): Promise<Mailbox> {
  const received: ReceivedMail[] = [];
  let refusal: { code: number; left: number } | undefined;
  if (options.dir) mkdirSync(options.dir, { recursive: true });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (refusal && refusal.left > 0) {
          refusal.left--;
          const error = Object.assign(new Error(refusal.code === 451 ? 'boîte saturée, réessayez plus tard' : 'destinataire refusé'), {
            responseCode: refusal.code,
          });
          return callback(error);
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (mail) => {
            const entry: ReceivedMail = {
              messageId: mail.messageId,
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              subject: mail.subject ?? '',
              text: mail.text ?? '',
              receivedAt: new Date().toISOString(),
              raw: raw.toString('utf8'),
            };
            received.push(entry);
            if (options.dir) writeFileSync(join(options.dir, `${entry.receivedAt.replace(/[:.]/g, '-')}-${received.length}.eml`), raw);
            callback();
          },
          (error: unknown) => callback(error as Error),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  // A client that drops its connection is not the mailbox's failure.
  server.on('error', () => undefined);
  const { port } = server.server.address() as AddressInfo;
  const host = options.host === undefined || options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  return {
    host,
    port,
    url: `smtp://${host}:${port}`,
    messages: () => [...received],
    refuse(code, count = 1) {
      refusal = { code, left: count };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
