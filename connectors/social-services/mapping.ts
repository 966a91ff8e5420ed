/**
 * Canonical events ↔ the social-services API's own vocabulary. Pure: no I/O. Deliveries: only the
 * fields present are mapped, so what the flow did not allow never reaches the silo. Notifications
 * of changes recorded at the silo's desk (its webhook) become canonical events, keyed by the
 * notification's id (the same at each delivery attempt, so the same event id).
 */
import type { DEATH_REGISTERED_V1 } from '@relais/connector-kit';
import {
  type Address,
  ADDRESS_CHANGED_V1,
  type DeliveredData,
  type EventData,
  HOUSEHOLD_CHANGED_V1,
  type HouseholdRole,
  MappingError,
  type Projected,
  asCheckpoint,
  type SiloCivilData,
  type SiloFile,
  type SourceEvent,
} from '@relais/connector-kit';
import type { components } from './generated/silo-api.ts';

type Adresse = components['schemas']['Adresse'];
type ChangementAdresse = components['schemas']['ChangementAdresse'];
type DemandeCloture = components['schemas']['DemandeCloture'];
type AdresseEnregistree = components['schemas']['AdresseEnregistree'];
type MembreFoyer = components['schemas']['MembreFoyer'];
export type Notification = components['schemas']['Notification'];

const countryNames: Record<string, string> = {
  FR: 'FRANCE',
  BE: 'BELGIQUE',
  CH: 'SUISSE',
  DE: 'ALLEMAGNE',
  ES: 'ESPAGNE',
  IT: 'ITALIE',
  LU: 'LUXEMBOURG',
  MC: 'MONACO',
  GB: 'ROYAUME-UNI',
};

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

export function toChangementAdresse(data: DeliveredData<typeof ADDRESS_CHANGED_V1>): ChangementAdresse {
  if (data.effectiveDate === undefined) throw new MappingError('the delivery lacks effectiveDate');
  return { adresse: toAdresse(data.address ?? {}), dateEffet: data.effectiveDate };
}

/** A death closes the file, dated the day of death. */
export function toDemandeCloture(data: DeliveredData<typeof DEATH_REGISTERED_V1>): DemandeCloture {
  const { dateOfDeath } = data;
  if (dateOfDeath === undefined) throw new MappingError('the delivery lacks dateOfDeath');
  return { motif: 'DECES', dateDeces: dateOfDeath, dateCloture: dateOfDeath };
}

const countryCodes = Object.fromEntries(Object.entries(countryNames).map(([code, name]) => [name, code]));

/** The silo's stored address → the canonical one (its country names → ISO codes). */
export function fromAdresse(adresse: AdresseEnregistree): Address {
  const country = countryCodes[adresse.pays.toUpperCase()] ?? (/^[A-Z]{2}$/.test(adresse.pays) ? adresse.pays : undefined);
  if (!country) throw new MappingError('the address has a country the connector cannot code');
  return {
    ...(adresse.numeroVoie ? { number: adresse.numeroVoie } : {}),
    ...(adresse.indiceRepetition ? { suffix: adresse.indiceRepetition as NonNullable<Address['suffix']> } : {}),
    streetName: adresse.libelleVoie,
    ...(adresse.complement ? { complement: adresse.complement } : {}),
    postcode: adresse.codePostal,
    communeName: adresse.commune,
    ...(adresse.codeInsee ? { communeInsee: adresse.codeInsee } : {}),
    country,
  };
}

const roles: Record<MembreFoyer['lien'], HouseholdRole> = {
  DEMANDEUR: 'reference-person',
  CONJOINT: 'spouse',
  PARTENAIRE: 'partner',
  ENFANT: 'child',
  AUTRE_PARENT: 'other-relative',
  AUTRE: 'other',
};

function member(m: MembreFoyer): EventData<typeof HOUSEHOLD_CHANGED_V1>['members'][number] {
  return {
    name: { birthName: m.nom, givenNames: m.prenoms.split(/\s+/).filter(Boolean) },
    ...(m.dateNaissance ? { dateOfBirth: m.dateNaissance } : {}),
    role: roles[m.lien],
    ...(m.aCharge === undefined ? {} : { dependent: m.aCharge }),
  };
}

/** A desk notification → the canonical event it stands for (the runtime checks it against its schema). */
export function fromNotification(n: Notification): SourceEvent {
  const base = { recordKey: `notification:${n.id}`, citizenLocalId: n.numeroDossier, time: n.survenuLe };
  switch (n.type) {
    case 'ADRESSE_MODIFIEE': {
      if (!n.adresse) throw new MappingError('an address notification without its address');
      const data: EventData<typeof ADDRESS_CHANGED_V1> = { address: fromAdresse(n.adresse), effectiveDate: n.dateEffet };
      return { ...base, type: ADDRESS_CHANGED_V1, data: data as unknown as Record<string, unknown> };
    }
    case 'FOYER_MODIFIE': {
      if (!n.foyer?.length) throw new MappingError('a household notification without its members');
      const data: EventData<typeof HOUSEHOLD_CHANGED_V1> = { effectiveDate: n.dateEffet, members: n.foyer.map(member) };
      return { ...base, type: HOUSEHOLD_CHANGED_V1, data: data as unknown as Record<string, unknown> };
    }
  }
}

/**
 * A beneficiary's file as a silo file for onboarding: the birth name is `naissance.nom`, or the
 * file's `nom` when the service did not record another; given names are one field, separated
 * by spaces or commas. What the file lacks is left out (the import reports it, naming the field).
 */
export function toSiloFile(dossier: components['schemas']['Dossier']): SiloFile {
  const naissance = dossier.naissance ?? {};
  const civil: SiloCivilData = {
    birthName: naissance.nom ?? dossier.nom,
    givenNames: dossier.prenoms.split(/[\s,]+/).filter(Boolean),
    ...(naissance.date ? { dateOfBirth: naissance.date } : {}),
    ...(naissance.commune ? { birthPlace: naissance.commune } : {}),
    ...(naissance.codeInsee ? { birthPlaceInsee: naissance.codeInsee } : {}),
    ...(naissance.pays ? { birthCountry: naissance.pays } : {}),
  };
  return { localId: dossier.numeroDossier, civil, cursor: asCheckpoint(dossier.numeroDossier) };
}
