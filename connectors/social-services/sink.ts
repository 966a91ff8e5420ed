/**
 * social-services sink: an address change updates the beneficiary's file; a death closes it.
 * The event id is the silo's Idempotency-Key, so a redelivery after a crash applies nothing twice.
 */
import { ADDRESS_CHANGED_V1, DEATH_REGISTERED_V1, deliveredData, type Delivery, type Sink, type SinkOutcome } from '@relais/connector-kit';
import type { SocialServicesClient, WriteResult } from './client.ts';
import { toChangementAdresse, toDemandeCloture } from './mapping.ts';

function outcomeOf(result: WriteResult, citizenId: string): SinkOutcome {
  if (result.ok) return { status: 'applied' };
  // The silo's messages may quote the file number: keep identifiers out of receipts and logs.
  const message = result.message.split(citizenId).join('[dossier]');
  return { status: 'rejected', reason: `social-services refused (${result.status} ${result.code}): ${message}` };
}

export function createSocialServicesSink(client: SocialServicesClient): Sink {
  return {
    async apply(delivery: Delivery, { signal, traceparent }): Promise<SinkOutcome> {
      const address = deliveredData(delivery, ADDRESS_CHANGED_V1);
      if (address)
        return outcomeOf(
          await client.changeAddress(delivery.citizenId, toChangementAdresse(address), delivery.eventId, signal, traceparent),
          delivery.citizenId,
        );
      const death = deliveredData(delivery, DEATH_REGISTERED_V1);
      if (death)
        return outcomeOf(
          await client.closeFile(delivery.citizenId, toDemandeCloture(death), delivery.eventId, signal, traceparent),
          delivery.citizenId,
        );
      return { status: 'rejected', reason: `social-services does not handle ${delivery.type}` };
    },
  };
}
