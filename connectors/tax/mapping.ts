/**
 * Canonical events ↔ the tax office's records. Pure: no I/O. Only the fields present in the
 * delivery are mapped: what the flow did not allow never reaches the tax office. Reasons never
 * quote a value (they end up in receipts): they name fields and codes.
 */
import { type Acknowledgement, ADDRESS_CHANGED_V1, type Delivery, MappingError, type SourceEvent } from '@relais/connector-kit';
import type { AckHeader, AckRecord } from '../../protocols/tax/ack.ts';
import type { TaxAddress } from '../../protocols/tax/address.ts';
import type { BatchRecord } from '../../protocols/tax/batch.ts';
import type { ChangeRecord } from '../../protocols/tax/changes.ts';

const TAX_ID = /^[0-9]{13}$/;

/** A delivery as a batch record; throws MappingError when it cannot be one. */
export function toBatchRecord(delivery: Delivery): BatchRecord {
  if (delivery.type !== ADDRESS_CHANGED_V1) throw new MappingError(`tax does not handle ${delivery.type}`);
  if (!TAX_ID.test(delivery.citizenId)) throw new MappingError('the tax identifier is not a 13-digit numéro fiscal');
  const data = delivery.data;
  const effectiveDate = data['effectiveDate'];
  if (typeof effectiveDate !== 'string') throw new MappingError('the delivery lacks effectiveDate: the flow must allow it for tax');
  const address = (data['address'] ?? {}) as Partial<TaxAddress>;
  if (!address.streetName || !address.postcode || !address.communeName || !address.country) {
    throw new MappingError('the delivery lacks streetName, postcode, communeName or country: the flow must allow them for tax');
  }
  return {
    eventId: delivery.eventId,
    taxId: delivery.citizenId,
    effectiveDate,
    address: {
      number: address.number,
      suffix: address.suffix,
      streetName: address.streetName,
      complement: address.complement,
      postcode: address.postcode,
      communeName: address.communeName,
      communeInsee: address.communeInsee,
      country: address.country,
    },
  };
}

/** The tax office's answers in one acknowledgement file, as the runtime's acknowledgements. */
export function toAcknowledgements(header: AckHeader, records: AckRecord[]): Acknowledgement[] {
  if (header.refused) {
    const reason = `tax office refused file ${header.batchFile} (${header.refused.code}): ${header.refused.reason}`;
    return [{ reference: header.batchFile, outcome: { status: 'dead_lettered', reason } }];
  }
  return records.map((record) =>
    record.status === 'accepted'
      ? { eventId: record.eventId, outcome: { status: 'applied' } }
      : { eventId: record.eventId, outcome: { status: 'rejected', reason: `tax office refused (${record.code}): ${record.reason}` } },
  );
}

function withoutBlanks(address: TaxAddress): Record<string, string> {
  return Object.fromEntries(
    Object.entries(address).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== ''),
  );
}

/** A declaration from a tax change file as the canonical event (citizen known by tax number). */
export function toSourceEvent(record: ChangeRecord): SourceEvent {
  return {
    recordKey: `change:${record.reference}`,
    type: ADDRESS_CHANGED_V1,
    citizenLocalId: record.taxId,
    data: { address: withoutBlanks(record.address), effectiveDate: record.effectiveDate },
    time: record.declaredAt,
  };
}
