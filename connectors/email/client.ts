/**
 * The thin wrapper over SMTP (nodemailer). It turns SMTP outcomes into the connector
 * contract's vocabulary, so no raw nodemailer error leaves this file:
 *   250 → sent; a 5xx reply (mailbox unknown, message refused) → a refusal, not retried;
 *   a 4xx reply, a connection or authentication failure, a timeout → RetryableError.
 * Reasons never carry the address: servers quote it in their replies, and it is stripped.
 */
import nodemailer from 'nodemailer';
import { RelaisError, RetryableError, unlessAborted } from '@relais/connector-kit';

export interface EmailClientOptions {
  /** smtp:// or smtps://, credentials in the URL. */
  smtpUrl: string;
  from: string;
}

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** Derived from the event id: a resent notification carries the same Message-ID. */
  messageId: string;
}

export type SendResult = { ok: true } | { ok: false; code: number; message: string };

const addressPattern = /<?[^\s<>@]+@[^\s<>@]+>?/g;
const transient = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'EAUTH', 'ETLS', 'ECONNRESET', 'ECONNREFUSED', 'EPROTOCOL']);

export class EmailClient {
  private readonly transport: ReturnType<typeof nodemailer.createTransport>;

  private readonly options: EmailClientOptions;

  constructor(options: EmailClientOptions) {
    this.options = options;
    this.transport = nodemailer.createTransport(
      // Pooled: a connection per message cost an SMTP session each (TCP, greeting, EHLO, QUIT),
      // ~105 ms of wall time and 3.6 ms of CPU per email here (docs/adr/0044).
      {
        url: options.smtpUrl,
        pool: true,
        maxConnections: 8,
        connectionTimeout: 5000,
        greetingTimeout: 5000,
        socketTimeout: 10_000,
        logger: false,
      },
      { from: options.from },
    );
  }

  /**
   * Sends one message. nodemailer takes no AbortSignal: when `signal` aborts first, the caller is
   * answered at once (retryable) and the abandoned session ends by its socket timeout; if it
   * still delivers, the retry carries the same Message-ID.
   */
  async send(mail: OutgoingMail, signal?: AbortSignal): Promise<SendResult> {
    try {
      signal?.throwIfAborted();
      const sending = this.transport.sendMail({
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: mail.messageId,
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
      await unlessAborted(sending, signal);
      return { ok: true };
    } catch (error) {
      if (signal?.aborted) throw new RetryableError('sending an email: gave up (timed out or stopping)');
      const e = error as { code?: string; responseCode?: number; message?: string };
      const message = String(e.message ?? error)
        .replace(addressPattern, '[adresse]')
        .slice(0, 300);
      if (typeof e.responseCode === 'number' && e.responseCode >= 500) return { ok: false, code: e.responseCode, message };
      if (typeof e.responseCode === 'number' || (e.code !== undefined && transient.has(e.code))) {
        // No cause attached: the driver's own message quotes the address.
        throw new RetryableError(`sending an email: ${message}`);
      }
      throw new RelaisError('CONNECTOR_FAILED', `sending an email: ${message}`);
    }
  }

  close(): void {
    this.transport.close();
  }
}
