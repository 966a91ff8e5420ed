/** Writing an accepted change's event to the outbox, in the caller's transaction (the relay publishes it). */
import { encodeCanonical, type CanonicalEvent } from '../core/envelopes.ts';
import type { Queryable } from '../core/store/db.ts';

export async function enqueueEvent(tx: Queryable, event: Omit<CanonicalEvent, 'source'>, topic: string): Promise<void> {
  const message = encodeCanonical({ ...event, source: '/relais/gateway' }, topic);
  await tx.query('INSERT INTO outbox (topic, message_key, headers, payload) VALUES ($1, $2, $3, $4)', [
    message.topic,
    message.key,
    JSON.stringify(message.headers),
    message.value.toString('utf8'),
  ]);
}
