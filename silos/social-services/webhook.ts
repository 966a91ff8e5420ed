/**
 * The simulator's outgoing webhook: each change recorded at the desk becomes a notification,
 * POSTed as JSON to the subscriber with `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<raw body>" with the shared secret>`, signed afresh on each attempt. Delivered in the order
 * recorded, one at a time; retried with a growing delay on network errors, 5xx, 408 and 429 (up
 * to 8 attempts), given up on any other 4xx. The list of notifications and their fate is kept for
 * tests (GET /_admin/notifications). In memory: a restart forgets undelivered notifications, like
 * many real legacy senders.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Notification, NotificationEnvoyee } from './types.ts';

export interface WebhookOptions {
  url: string;
  secret: string;
  /** First retry delay (doubles each attempt); default 200 ms. */
  retryMs?: number;
  maxAttempts?: number;
}

export function signature(secret: string, body: string, at = Math.floor(Date.now() / 1000)): string {
  return `t=${at},v1=${createHmac('sha256', secret).update(`${at}.${body}`).digest('hex')}`;
}

export class WebhookSender {
  readonly #sent: NotificationEnvoyee[] = [];
  readonly #queue: NotificationEnvoyee[] = [];
  readonly #stopping = new AbortController();
  #running: Promise<void> | undefined;

  private readonly options: WebhookOptions;

  constructor(options: WebhookOptions) {
    this.options = options;
  }

  notify(fields: Omit<Notification, 'id' | 'survenuLe'>): Notification {
    const notification: Notification = { id: randomUUID(), survenuLe: new Date().toISOString(), ...fields };
    const entry: NotificationEnvoyee = { notification, tentatives: 0, etat: 'en_cours' };
    this.#sent.push(entry);
    this.#queue.push(entry);
    this.#running ??= this.#drain().finally(() => (this.#running = undefined));
    return notification;
  }

  list(): NotificationEnvoyee[] {
    return structuredClone(this.#sent);
  }

  async close(): Promise<void> {
    this.#stopping.abort();
    await this.#running;
  }

  async #drain(): Promise<void> {
    for (let entry = this.#queue.shift(); entry && !this.#stopping.signal.aborted; entry = this.#queue.shift()) await this.#deliver(entry);
  }

  async #deliver(entry: NotificationEnvoyee): Promise<void> {
    const body = JSON.stringify(entry.notification);
    const max = this.options.maxAttempts ?? 8;
    while (entry.tentatives < max && !this.#stopping.signal.aborted) {
      entry.tentatives++;
      try {
        const response = await fetch(this.options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-signature': signature(this.options.secret, body) },
          body,
          signal: AbortSignal.any([AbortSignal.timeout(5000), this.#stopping.signal]),
        });
        entry.dernierStatut = response.status;
        await response.body?.cancel();
        if (response.ok) return void (entry.etat = 'livree');
        if (response.status < 500 && response.status !== 408 && response.status !== 429) return void (entry.etat = 'abandonnee');
      } catch {
        // Network error or timeout: try again.
      }
      await delay((this.options.retryMs ?? 200) * 2 ** (entry.tentatives - 1), undefined, { signal: this.#stopping.signal }).catch(
        () => undefined,
      );
    }
    entry.etat = 'abandonnee';
  }
}
