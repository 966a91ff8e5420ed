/**
 * social-services push source: the webhook receiver for changes recorded at the silo's desk
 * (POST /webhooks/social-services, the silo's OpenAPI `webhooks.changementDossier`).
 *
 * Each request, in order — nothing is published before the last check passes:
 *   1. `X-Signature: t=<unix seconds>,v1=<hex>` present and well-formed, else 401;
 *   2. `t` within the tolerance of now (stale or future requests are refused), else 401;
 *   3. v1 = HMAC-SHA256(secret, "<t>.<raw body>"), compared in constant time, else 401;
 *   4. this signature never accepted before (firstSeen, kept in the store for twice the
 *      tolerance: a captured request replayed is refused), else 401;
 *   5. the body is a notification the connector can map (mapping.ts), else 400/422;
 *   6. a notification id already received with another content → 409, nothing published;
 *   7. published (the runtime checks the event's schema and publishes with origin
 *      social-services, so the router never sends it back here); Kafka's ack → 200.
 *      Store or Kafka down → 503: the silo retries (re-signed), and the same notification id
 *      gives the same event id, so a retry applies nothing twice downstream.
 * Refusals are logged with their reason only, never the body or the file number.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeError, isUuid, MappingError, type PushSource, type PushSourceContext } from '@relais/connector-kit';
import { fromNotification, type Notification } from './mapping.ts';

export const WEBHOOK_PATH = '/webhooks/social-services';
const MAX_BODY_BYTES = 64 * 1024;

export interface WebhookReceiverOptions {
  host: string;
  port: number;
  secret: string;
  toleranceS: number;
}

export type Verification =
  { ok: true; signature: string } | { ok: false; reason: 'unsigned' | 'malformed-signature' | 'stale' | 'bad-signature' };

/** Steps 1–3: the signature header against the raw body. */
export function verifySignature(
  header: string | undefined,
  rawBody: Buffer,
  secret: string,
  toleranceS: number,
  nowMs = Date.now(),
): Verification {
  if (!header) return { ok: false, reason: 'unsigned' };
  const match = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header.trim());
  if (!match) return { ok: false, reason: 'malformed-signature' };
  const [, t, v1] = match as unknown as [string, string, string];
  if (Math.abs(nowMs / 1000 - Number(t)) > toleranceS) return { ok: false, reason: 'stale' };
  const expected = createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest();
  if (!timingSafeEqual(expected, Buffer.from(v1, 'hex'))) return { ok: false, reason: 'bad-signature' };
  return { ok: true, signature: v1 };
}

function answer(res: ServerResponse, status: number, code: string, detail: string, extra: object = {}): void {
  res.writeHead(status, { 'content-type': status < 300 ? 'application/json' : 'application/problem+json' });
  res.end(JSON.stringify(status < 300 ? extra : { type: `https://relais.example/problems/${code}`, title: detail, status, code }));
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function asNotification(value: unknown): Notification {
  const n = value as Partial<Notification> | null;
  if (
    !n ||
    typeof n !== 'object' ||
    typeof n.id !== 'string' ||
    !isUuid(n.id) ||
    typeof n.numeroDossier !== 'string' ||
    typeof n.survenuLe !== 'string' ||
    typeof n.dateEffet !== 'string'
  ) {
    throw new MappingError('not a notification (id, type, numeroDossier, survenuLe, dateEffet)');
  }
  if (n.type !== 'ADRESSE_MODIFIEE' && n.type !== 'FOYER_MODIFIE') throw new MappingError('an unknown notification type');
  return n as Notification;
}

export function createWebhookReceiver(context: PushSourceContext, options: WebhookReceiverOptions): PushSource & { url(): string } {
  const { logger } = context;
  let server: Server | undefined;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://receiver').pathname !== WEBHOOK_PATH)
      return answer(res, 404, 'not-found', 'no such route');
    const body = await readBody(req);
    if (body === undefined) return answer(res, 413, 'payload-too-large', `the limit is ${MAX_BODY_BYTES} bytes`);
    const header = req.headers['x-signature'];
    const verified = verifySignature(Array.isArray(header) ? header[0] : header, body, options.secret, options.toleranceS);
    if (!verified.ok) {
      logger.warn({ reason: verified.reason }, 'webhook refused');
      return answer(res, 401, 'webhook-unauthenticated', `refused: ${verified.reason}`);
    }
    if (!(await context.firstSeen(`signature:${verified.signature}`, 2 * options.toleranceS * 1000))) {
      logger.warn({ reason: 'replayed' }, 'webhook refused');
      return answer(res, 401, 'webhook-unauthenticated', 'refused: replayed');
    }
    let event;
    try {
      event = fromNotification(asNotification(JSON.parse(body.toString('utf8'))));
    } catch (error) {
      const reason = error instanceof MappingError ? error.message : 'not JSON';
      logger.warn({ reason }, 'webhook notification refused');
      return answer(
        res,
        error instanceof MappingError ? 422 : 400,
        error instanceof MappingError ? 'validation-failed' : 'malformed-json',
        reason,
      );
    }
    try {
      const { published, invalid, conflicts } = await context.publish([event]);
      if (invalid > 0) return answer(res, 422, 'validation-failed', 'the notification does not make a valid event');
      // The runtime logged it (event id, no content); nothing was published.
      if (conflicts.length > 0) return answer(res, 409, 'id-conflict', 'this notification id was already received with another content');
      answer(res, 200, 'ok', 'published', { published });
    } catch (error) {
      logger.warn({ error: describeError(error) }, 'webhook notification not published; the silo will retry');
      answer(res, 503, 'unavailable', 'not published, retry later');
    }
  }

  return {
    async start() {
      server = createServer((req, res) => {
        handle(req, res).catch((error: unknown) => {
          logger.error({ error: describeError(error) }, 'webhook receiver failed');
          if (!res.headersSent) answer(res, 500, 'internal', 'internal error');
        });
      });
      server.listen(options.port, options.host);
      await once(server, 'listening');
    },
    url() {
      const address = server?.address() as AddressInfo | undefined;
      return `http://${options.host}:${address?.port ?? options.port}${WEBHOOK_PATH}`;
    },
    async close() {
      if (!server) return;
      const closing = new Promise<void>((resolve) => server!.close(() => resolve()));
      server.closeIdleConnections();
      await closing;
    },
  };
}
