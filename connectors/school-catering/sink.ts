/**
 * school-catering sink: a move changes the family's billing address, a declared household is
 * kept for the fee, a death ends a child's registrations (or passes a parent's bills on). The
 * event id is the silo's Idempotency-Key, so a redelivery after a crash applies nothing twice.
 */
import {
  ADDRESS_CHANGED_V1,
  DEATH_REGISTERED_V1,
  deliveredData,
  type Delivery,
  HOUSEHOLD_CHANGED_V1,
  type Sink,
  type SinkContext,
  type SinkOutcome,
} from '@relais/connector-kit';
import type { SchoolCateringClient, WriteCall, WriteResult } from './client.ts';
import { toChangementAdresse, toCompositionFoyer, toDeclarationDeces } from './mapping.ts';

function outcomeOf(result: WriteResult, person: string): SinkOutcome {
  if (result.ok) return { status: 'applied' };
  // Keep the person's number out of receipts and logs, should the silo ever quote it.
  const label = result.label.split(person).join('[personne]');
  return { status: 'rejected', reason: `school-catering refused (${result.status} ${result.code}): ${label}` };
}

async function write(client: SchoolCateringClient, delivery: Delivery, call: WriteCall): Promise<WriteResult | undefined> {
  const address = deliveredData(delivery, ADDRESS_CHANGED_V1);
  if (address) return client.changeAddress(call, toChangementAdresse(address));
  const household = deliveredData(delivery, HOUSEHOLD_CHANGED_V1);
  if (household) return client.declareHousehold(call, toCompositionFoyer(household));
  const death = deliveredData(delivery, DEATH_REGISTERED_V1);
  if (death) return client.declareDeath(call, toDeclarationDeces(death));
  return undefined;
}

export function createSchoolCateringSink(client: SchoolCateringClient): Sink {
  return {
    async apply(delivery: Delivery, { signal, traceparent }: SinkContext): Promise<SinkOutcome> {
      const result = await write(client, delivery, { person: delivery.citizenId, idempotencyKey: delivery.eventId, signal, traceparent });
      return result
        ? outcomeOf(result, delivery.citizenId)
        : { status: 'rejected', reason: `school-catering does not handle ${delivery.type}` };
    },
  };
}
