/**
 * email sink: notifies the citizen of their service request's progress by email, in French,
 * one template per event type (mapping.ts). The recipient is the citizen's identifier in the
 * `email` system — the address Relais holds for them (given with a request or in a contact
 * change) — so the address never travels in an event's data. It is never logged.
 *
 * SMTP has no idempotency key: the runtime's ledger stops a settled notification from being
 * sent again, and a resend after a crash between sending and recording carries the same
 * Message-ID (derived from the event id), which mail clients use to drop the duplicate.
 *
 * A delivery about a deceased citizen (`citizenDeceasedOn`) is never sent: it is `rejected` with
 * `CITIZEN_DECEASED` and the date, so the change's view says why no email went out.
 */
import type { Delivery, Sink, SinkOutcome } from '@relais/connector-kit';
import type { EmailClient } from './client.ts';
import { isEmailAddress, toEmail } from './mapping.ts';

export function createEmailSink(client: EmailClient, domain = 'relais.notifications'): Sink {
  return {
    async apply(delivery: Delivery, { signal }): Promise<SinkOutcome> {
      // Life state: nothing is ever sent to a deceased citizen's own address (the router marks the delivery).
      if (delivery.citizenDeceasedOn) {
        return {
          status: 'rejected',
          reason: `CITIZEN_DECEASED: a death is registered for this citizen (${delivery.citizenDeceasedOn}); nothing is sent to their own address`,
        };
      }
      const content = toEmail(delivery.type, delivery.data);
      if (!content) return { status: 'rejected', reason: `email has no template for ${delivery.type}` };
      if (!isEmailAddress(delivery.citizenId))
        return { status: 'rejected', reason: 'email refused: the address held for this citizen is not a valid address' };
      const result = await client.send({ to: delivery.citizenId, ...content, messageId: `<${delivery.eventId}@${domain}>` }, signal);
      return result.ok ? { status: 'applied' } : { status: 'rejected', reason: `email refused (${result.code}): ${result.message}` };
    },
    async close() {
      client.close();
    },
  };
}
