/**
 * Canonical deliveries → the billing software's vocabulary. Pure: no I/O. Only the fields
 * present are mapped, so what the flow did not allow never reaches the silo; a field the silo
 * requires but the delivery lacks is a MappingError (the flow is wrong, not the silo).
 */
import type { ADDRESS_CHANGED_V1, DEATH_REGISTERED_V1, HOUSEHOLD_CHANGED_V1 } from '@relais/connector-kit';
import { type DeliveredData, type HouseholdRole, MappingError } from '@relais/connector-kit';
import type { components } from './generated/silo-api.ts';

type Schemas = components['schemas'];
type MembreDeclare = Schemas['MembreDeclare'];

/** The software keeps the number and its suffix in one field (« 3 bis »), and no country. */
export function toChangementAdresse(data: DeliveredData<typeof ADDRESS_CHANGED_V1>): Schemas['ChangementAdresse'] {
  const address = data.address ?? {};
  if (!address.streetName || !address.postcode || !address.communeName || !data.effectiveDate) {
    throw new MappingError('the delivery lacks streetName, postcode, communeName or effectiveDate: the flow must allow them for this silo');
  }
  return {
    adresse: {
      ...(address.number ? { numero: address.suffix ? `${address.number} ${address.suffix}` : address.number } : {}),
      voie: address.streetName,
      ...(address.complement ? { complement: address.complement } : {}),
      codePostal: address.postcode,
      ville: address.communeName,
    },
    dateEffet: data.effectiveDate,
  };
}

const links: Record<HouseholdRole, MembreDeclare['lien']> = {
  'reference-person': 'DECLARANT',
  spouse: 'CONJOINT',
  partner: 'CONJOINT',
  child: 'ENFANT',
  'other-relative': 'AUTRE',
  other: 'AUTRE',
};

export function toCompositionFoyer(data: DeliveredData<typeof HOUSEHOLD_CHANGED_V1>): Schemas['CompositionFoyer'] {
  if (!data.effectiveDate || !data.members?.length) throw new MappingError('the delivery lacks effectiveDate or members');
  const membres = data.members.map((m): MembreDeclare => {
    const nom = m.name?.usageName ?? m.name?.birthName;
    const prenoms = m.name?.givenNames?.join(' ');
    if (!nom || !prenoms || !m.role)
      throw new MappingError('a household member lacks its name or role: the flow must allow them for this silo');
    return {
      nom,
      prenoms,
      lien: links[m.role],
      ...(m.dateOfBirth ? { dateNaissance: m.dateOfBirth } : {}),
      ...(m.dependent === undefined ? {} : { aCharge: m.dependent }),
    };
  });
  return { membres, dateEffet: data.effectiveDate };
}

export function toDeclarationDeces(data: DeliveredData<typeof DEATH_REGISTERED_V1>): Schemas['DeclarationDeces'] {
  if (!data.dateOfDeath) throw new MappingError('the delivery lacks dateOfDeath');
  return { dateDeces: data.dateOfDeath };
}
