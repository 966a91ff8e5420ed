/**
 * Register records → catalogue events. Pure: no I/O. One register event becomes one event per
 * person it concerns (a marriage or a PACS: one per partner, each naming the other), keyed by
 * the register's own event number (and the person), so the same record always yields the same
 * event ids. What cannot be mapped is returned as skipped, with a reason free of personal data
 * (mapRecord throws it as a MappingError: the source dead-letters the record, with the persons
 * read for it, and maps it again on a re-drive).
 */
import {
  BIRTH_REGISTERED_V1,
  DEATH_REGISTERED_V1,
  type EventData,
  type EventType,
  MARRIAGE_REGISTERED_V1,
  NAME_CHANGED_V1,
  PACS_DISSOLVED_V1,
  PACS_REGISTERED_V1,
  type Person,
  type PersonName,
  type Place,
  MappingError,
  type SourceEvent,
} from '@relais/connector-kit';
import type { Evenement, Lieu, MotifDissolution, Personne } from './client.ts';

export const EMITS = [
  BIRTH_REGISTERED_V1,
  DEATH_REGISTERED_V1,
  MARRIAGE_REGISTERED_V1,
  PACS_REGISTERED_V1,
  PACS_DISSOLVED_V1,
  NAME_CHANGED_V1,
] as const;

export interface Skipped {
  numero: number;
  reason: string;
}

export interface Mapped {
  events: SourceEvent[];
  skipped: Skipped[];
}

/** The persons an event needs besides its own subject (partners; the subject of a name change). */
export function personsNeeded(evenement: Evenement): string[] {
  switch (evenement.type) {
    case 'MARIAGE':
    case 'PACS':
    case 'DISSOLUTION_PACS':
      return [evenement.personne, ...(evenement.partenaire ? [evenement.partenaire] : [])];
    case 'CHANGEMENT_NOM':
      return [evenement.personne];
    default:
      return [];
  }
}

export function toPlace(lieu: Lieu): Place {
  return { communeName: lieu.commune, ...(lieu.codeInsee ? { communeInsee: lieu.codeInsee } : {}), country: lieu.codePays };
}

/** "Jean-Pierre Marie" → ["Jean-Pierre", "Marie"]: the register separates given names by spaces. */
export function givenNames(prenoms: string): string[] {
  return prenoms.split(/\s+/).filter(Boolean);
}

function nameOf(personne: Pick<Personne, 'nomNaissance' | 'prenoms' | 'nomUsage'>): PersonName {
  return {
    birthName: personne.nomNaissance,
    givenNames: givenNames(personne.prenoms),
    ...(personne.nomUsage ? { usageName: personne.nomUsage } : {}),
  };
}

const personOf = (personne: Personne): Person => ({ name: nameOf(personne), dateOfBirth: personne.dateNaissance });

const dissolutionCause: Record<MotifDissolution, EventData<typeof PACS_DISSOLVED_V1>['cause']> = {
  DECLARATION_CONJOINTE: 'joint-declaration',
  DECLARATION_UNILATERALE: 'unilateral-declaration',
  MARIAGE: 'marriage',
  DECES: 'death',
};

function event<T extends EventType>(e: Evenement, type: T, subject: string, data: EventData<T>, perPerson: boolean): SourceEvent {
  return {
    recordKey: perPerson ? `evenement:${e.numero}:${subject}` : `evenement:${e.numero}`,
    type,
    citizenLocalId: subject,
    data: data as unknown as Record<string, unknown>,
    time: e.dateEnregistrement,
  };
}

/** One event per partner, each naming the other. */
function forBothPartners<T extends EventType>(
  e: Evenement,
  persons: ReadonlyMap<string, Personne>,
  type: T,
  build: (other: Personne) => EventData<T>,
): SourceEvent[] | string {
  const subject = persons.get(e.personne);
  const partner = e.partenaire ? persons.get(e.partenaire) : undefined;
  if (!subject || !partner) return 'a partner is unknown to the register';
  return [event(e, type, subject.identifiant, build(partner), true), event(e, type, partner.identifiant, build(subject), true)];
}

function mapOne(e: Evenement, persons: ReadonlyMap<string, Personne>): SourceEvent[] | string {
  const reference = e.numeroActe;
  switch (e.type) {
    case 'NAISSANCE': {
      if (!e.naissance) return 'a birth without its birth details';
      return [
        event(
          e,
          BIRTH_REGISTERED_V1,
          e.personne,
          {
            name: nameOf(e.naissance),
            sex: e.naissance.sexe,
            dateOfBirth: e.dateEvenement,
            placeOfBirth: toPlace(e.lieu),
            actReference: reference,
          },
          false,
        ),
      ];
    }
    case 'DECES':
      return [
        event(
          e,
          DEATH_REGISTERED_V1,
          e.personne,
          { dateOfDeath: e.dateEvenement, placeOfDeath: toPlace(e.lieu), actReference: reference },
          false,
        ),
      ];
    case 'MARIAGE':
      return forBothPartners(e, persons, MARRIAGE_REGISTERED_V1, (other) => ({
        dateOfMarriage: e.dateEvenement,
        placeOfMarriage: toPlace(e.lieu),
        spouse: personOf(other),
        actReference: reference,
      }));
    case 'PACS':
      return forBothPartners(e, persons, PACS_REGISTERED_V1, (other) => ({
        dateOfRegistration: e.dateEvenement,
        partner: personOf(other),
        registeredBy: 'town-hall',
        place: toPlace(e.lieu),
        reference,
      }));
    case 'DISSOLUTION_PACS':
      return forBothPartners(e, persons, PACS_DISSOLVED_V1, (other) => ({
        dateOfDissolution: e.dateEvenement,
        cause: dissolutionCause[e.motifDissolution ?? 'DECLARATION_CONJOINTE'],
        partner: personOf(other),
        reference,
      }));
    case 'CHANGEMENT_NOM': {
      const personne = persons.get(e.personne);
      if (!e.changementNom || !personne) return 'a name change without its details or its person';
      const { ancienNom, nouveauNom, nouveauxPrenoms } = e.changementNom;
      const data: EventData<typeof NAME_CHANGED_V1> = {
        name: nameOf({ ...personne, nomNaissance: nouveauNom, prenoms: nouveauxPrenoms ?? personne.prenoms }),
        // The register keeps only the current given names: the previous name is known in full
        // only when the given names did not change.
        ...(nouveauxPrenoms ? {} : { previousName: { birthName: ancienNom, givenNames: givenNames(personne.prenoms) } }),
        effectiveDate: e.dateEvenement,
        legalAct: { kind: 'civil-registry-declaration', reference, date: e.dateEvenement },
      };
      return [event(e, NAME_CHANGED_V1, e.personne, data, false)];
    }
    default:
      return 'an event type the connector does not know';
  }
}

/** A register event with the persons it needs, as read: what a source dead letter keeps (`raw`). */
export interface RegisterRecord {
  evenement: Evenement;
  personnes: Personne[];
}

export function registerRecord(evenement: Evenement, persons: ReadonlyMap<string, Personne>): RegisterRecord {
  const needed = [evenement.personne, ...personsNeeded(evenement)];
  return { evenement, personnes: [...new Set(needed)].flatMap((id) => (persons.has(id) ? [persons.get(id)!] : [])) };
}

/** The record key of a register event that could not be mapped (its events' keys start with it). */
export const unmappedKey = (evenement: Evenement): string => `evenement:${evenement.numero}`;

/** Maps one register record (a dead letter's `raw` on a re-drive); MappingError when it cannot be. */
export function mapRecord(raw: unknown): SourceEvent[] {
  const record = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<RegisterRecord>;
  const e = record.evenement;
  if (
    typeof e !== 'object' ||
    e === null ||
    !Number.isSafeInteger(e.numero) ||
    typeof e.type !== 'string' ||
    !Array.isArray(record.personnes)
  )
    throw new MappingError('register record: not { evenement, personnes }');
  const result = mapOne(e, new Map(record.personnes.map((p) => [p.identifiant, p])));
  if (typeof result === 'string') throw new MappingError(result);
  return result;
}

/**
 * Maps a page of register events; `persons` holds the register's current record of every person
 * personsNeeded() named (a person missing from it skips the events that need them).
 */
export function mapEvents(evenements: Evenement[], persons: ReadonlyMap<string, Personne>): Mapped {
  const mapped: Mapped = { events: [], skipped: [] };
  for (const e of evenements) {
    const result = mapOne(e, persons);
    if (typeof result === 'string') mapped.skipped.push({ numero: e.numero, reason: result });
    else mapped.events.push(...result);
  }
  return mapped;
}
