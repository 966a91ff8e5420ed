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
 * A delivery about a deceased citizen (`citizenDeceasedOn`) is never sent to them: it is
 * `rejected` with `CITIZEN_DECEASED` and the date, so the change's view says why no email went
 * out — unless the route writes to their declared family contact (`onDeath: family-contact`,
 * the router sets `familyContact` and `citizenId` is then the contact's address): the contact
 * receives the notice of the death, in their language (mapping.ts toFamilyContactNotice).
 */
import type { Delivery, Sink, SinkOutcome } from '@relais/connector-kit';
import type { EmailClient } from './client.ts';
import { isEmailAddress, toEmail, toFamilyContactNotice, type EmailContent } from './mapping.ts';

/**
 * What to send for a delivery, or why nothing is: the life-state rule first (the router marks a
 * deceased citizen's deliveries), then the template and the address.
 */
export function emailFor(delivery: Delivery): EmailContent | Extract<SinkOutcome, { status: 'rejected' }> {
  const toContact = delivery.citizenDeceasedOn !== undefined && delivery.familyContact !== undefined;
  // Life state: nothing is ever sent to a deceased citizen's own address.
  if (delivery.citizenDeceasedOn && !toContact) {
    return {
      status: 'rejected',
      reason: `CITIZEN_DECEASED: a death is registered for this citizen (${delivery.citizenDeceasedOn}); nothing is sent to their own address`,
    };
  }
  const content =
    toContact && delivery.familyContact
      ? toFamilyContactNotice(delivery.type, delivery.familyContact, delivery.data)
      : toEmail(delivery.type, delivery.data);
  if (!content) return { status: 'rejected', reason: `email has no ${toContact ? 'family-contact ' : ''}template for ${delivery.type}` };
  if (!isEmailAddress(delivery.citizenId))
    return {
      status: 'rejected',
      reason: `email refused: the address held for this ${toContact ? 'family contact' : 'citizen'} is not a valid address`,
    };
  return content;
}

export function createEmailSink(client: EmailClient, domain = 'relais.notifications'): Sink {
  return {
    async apply(delivery: Delivery, { signal }): Promise<SinkOutcome> {
      const decided = emailFor(delivery);
      if ('status' in decided) return decided;
      const content = decided;
      const result = await client.send({ to: delivery.citizenId, ...content, messageId: `<${delivery.eventId}@${domain}>` }, signal);
      return result.ok ? { status: 'applied' } : { status: 'rejected', reason: `email refused (${result.code}): ${result.message}` };
    },
    async close() {
      client.close();
    },
  };
}
