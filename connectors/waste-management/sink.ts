/**
 * waste-management sink: an address change moves the household's subscriptions to the new
 * address; a death takes the person out of the household (closing it, with its subscriptions,
 * when nobody is left); a service request becomes an incident. Each delivery is applied in one
 * transaction with its event id recorded (client.ts: applyOnce), so a redelivery applies
 * nothing twice even when Relais lost track of the first attempt.
 */
import {
  ADDRESS_CHANGED_V1,
  DEATH_REGISTERED_V1,
  type Delivery,
  SERVICE_REQUEST_SUBMITTED_V1,
  type Sink,
  type SinkContext,
  type SinkOutcome,
} from '@relais/connector-kit';
import type { SqlQueryable } from '../../protocols/sql/sql-client.ts';
import type { ApplyOutcome, WasteDatabase } from './client.ts';
import { toDateDeces, toIncident, toMove } from './mapping.ts';

// Reasons end up in receipts and logs: they never quote the person's number or address.
const unknownPerson: ApplyOutcome = {
  status: 'rejected',
  reason: 'waste-management refused (USAGER_INCONNU): no active usager with this number',
};

type Work = (tx: SqlQueryable) => Promise<ApplyOutcome>;

function addressChange(db: WasteDatabase, delivery: Delivery): Work {
  const move = toMove(delivery.data);
  return async (tx) => {
    const person = await db.lockPerson(tx, delivery.citizenId);
    if (!person || person.statut !== 'ACTIF') return unknownPerson;
    const idAdresse = await db.findOrCreateAddress(tx, move.adresse);
    if (idAdresse !== person.id_adresse) {
      await db.moveHousehold(tx, person.id_foyer, idAdresse, move.dateEffet, move.dateFin);
    }
    return { status: 'applied' };
  };
}

function death(db: WasteDatabase, delivery: Delivery): Work {
  const dateDeces = toDateDeces(delivery.data);
  return async (tx) => {
    const person = await db.lockPerson(tx, delivery.citizenId);
    if (!person) return unknownPerson;
    // A death already known (told by another source first) changes nothing more.
    if (person.statut === 'ACTIF') await db.recordDeath(tx, person, dateDeces);
    return { status: 'applied' };
  };
}

function serviceRequest(db: WasteDatabase, delivery: Delivery): Work {
  const { incident, address } = toIncident(delivery.data, delivery.time, delivery.channel);
  return async (tx) => {
    const person = await db.lockPerson(tx, delivery.citizenId);
    if (!person) return unknownPerson;
    const idAdresse = address ? await db.findOrCreateAddress(tx, address) : person.id_adresse;
    await db.recordIncident(tx, incident, person, idAdresse);
    return { status: 'applied' };
  };
}

const handlers: Record<string, (db: WasteDatabase, delivery: Delivery) => Work> = {
  [ADDRESS_CHANGED_V1]: addressChange,
  [DEATH_REGISTERED_V1]: death,
  [SERVICE_REQUEST_SUBMITTED_V1]: serviceRequest,
};

export function createWasteManagementSink(db: WasteDatabase): Sink {
  return {
    async apply(delivery: Delivery, { signal }: SinkContext): Promise<SinkOutcome> {
      const handler = handlers[delivery.type];
      if (!handler) return { status: 'rejected', reason: `waste-management does not handle ${delivery.type}` };
      return db.applyOnce(delivery.eventId, delivery.type, handler(db, delivery), signal);
    },
    close: () => db.close(),
  };
}
