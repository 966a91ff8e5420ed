/**
 * Canonical events → the social-services API's own vocabulary. Pure: no I/O. Only the fields
 * present in the delivery are mapped: what the flow did not allow never reaches the silo.
 */
import type { Address, DeliveredData, Projected } from '../../schemas/index.ts';
import type { components } from './generated/silo-api.ts';

type Adresse = components['schemas']['Adresse'];
type ChangementAdresse = components['schemas']['ChangementAdresse'];
type DemandeCloture = components['schemas']['DemandeCloture'];


const countryNames: Record<string, string> = {
  FR: 'FRANCE', BE: 'BELGIQUE', CH: 'SUISSE', DE: 'ALLEMAGNE', ES: 'ESPAGNE', IT: 'ITALIE', LU: 'LUXEMBOURG', MC: 'MONACO', GB: 'ROYAUME-UNI',
};

export class MappingError extends Error {}

/** The canonical address as a delivery carries it (every field optional after projection). */
export function toAdresse(address: Projected<Address>): Adresse {
  if (!address.streetName || !address.postcode || !address.communeName) {
    throw new MappingError('the delivery lacks streetName, postcode or communeName: the flow must allow them for this silo');
  }
  const adresse: Adresse = { libelleVoie: address.streetName, codePostal: address.postcode, commune: address.communeName };
  if (address.number !== undefined) adresse.numeroVoie = address.number;
  if (address.suffix !== undefined) adresse.indiceRepetition = address.suffix;
  if (address.complement !== undefined) adresse.complement = address.complement;
  if (address.communeInsee !== undefined) adresse.codeInsee = address.communeInsee;
  if (address.country !== undefined) adresse.pays = countryNames[address.country] ?? address.country;
  return adresse;
}

export function toChangementAdresse(data: DeliveredData<'fr.relais.citizen.address.changed.v1'>): ChangementAdresse {
  if (data.effectiveDate === undefined) throw new MappingError('the delivery lacks effectiveDate');
  return { adresse: toAdresse(data.address ?? {}), dateEffet: data.effectiveDate };
}

/** A death closes the file, dated the day of death. */
export function toDemandeCloture(data: DeliveredData<'fr.relais.citizen.death.registered.v1'>): DemandeCloture {
  const { dateOfDeath } = data;
  if (dateOfDeath === undefined) throw new MappingError('the delivery lacks dateOfDeath');
  return { motif: 'DECES', dateDeces: dateOfDeath, dateCloture: dateOfDeath };
}
