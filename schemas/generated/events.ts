// Generated from schemas/events and schemas/defs by `npm run gen`. Do not edit.
/**
 * An instant, RFC 3339 with an offset.
 */
export type DateTime = string;
/**
 * A connected system's name, as declared in flows/ (e.g. waste-management).
 */
export type SystemName = string;
/**
 * INSEE code of a commune (Corsica uses 2A/2B).
 */
export type InseeCode = string;
/**
 * ISO 3166-1 alpha-2 country code.
 */
export type Country = string;
/**
 * A calendar date as the silos hold it (no time, no zone).
 */
export type CalendarDate = string;
/**
 * Sex as written in the civil-registry act.
 */
export type Sex = 'F' | 'M';
/**
 * A citizen's pivot id: the pseudonymous UUID Relais owns. Never a name or a national number.
 */
export type PivotId = string;
/**
 * Number of a civil-registry act (acte de l'état civil) or of another legal act, as the issuing authority writes it.
 */
export type ActReference = string;
/**
 * A member's role in the household.
 */
export type HouseholdRole = 'reference-person' | 'spouse' | 'partner' | 'child' | 'other-relative' | 'other';
/**
 * Identifier of a service request, stable across its submitted, updated and resolved events.
 */
export type RequestId = string;
/**
 * What the request is about, as <domain>.<subject> (e.g. waste.missed-collection, roads.pothole).
 */
export type ServiceRequestCategory = string;

/**
 * The data of each event type of the catalogue, keyed by type.
 */
export interface EventDataByType {
  'fr.relais.change.settled.v1': ChangeSettledV1;
  'fr.relais.citizen.address.changed.v1': AddressChangedV1;
  'fr.relais.citizen.birth.registered.v1': BirthRegisteredV1;
  'fr.relais.citizen.contact.changed.v1': ContactChangedV1;
  'fr.relais.citizen.death.registered.v1': DeathRegisteredV1;
  'fr.relais.citizen.household.changed.v1': HouseholdChangedV1;
  'fr.relais.citizen.marriage.registered.v1': MarriageRegisteredV1;
  'fr.relais.citizen.name.changed.v1': NameChangedV1;
  'fr.relais.citizen.pacs.dissolved.v1': PacsDissolvedV1;
  'fr.relais.citizen.pacs.registered.v1': PacsRegisteredV1;
  'fr.relais.service-request.resolved.v1': ServiceRequestResolvedV1;
  'fr.relais.service-request.submitted.v1': ServiceRequestSubmittedV1;
  'fr.relais.service-request.updated.v1': ServiceRequestUpdatedV1;
}
/**
 * Every system concerned by a change the citizen told has settled it: the outcome in each, for the notice the citizen is owed, in their language. Relais itself publishes it, once per change (docs/privacy.md).
 */
export interface ChangeSettledV1 {
  /**
   * The change the citizen told.
   */
  changeId: string;
  /**
   * Its event type (what the citizen told: a move, new contact details…).
   */
  changeType: string;
  /**
   * The language the citizen is written to in.
   */
  language: 'fr' | 'en';
  settledAt: DateTime;
  /**
   * One per concerned system.
   *
   * @minItems 1
   * @maxItems 50
   */
  outcomes: {
    system: SystemName;
    status: 'applied' | 'rejected' | 'superseded' | 'dead_lettered' | 'objected';
    /**
     * Why the system rejected it (the system's own words, never personal data).
     */
    reason?: string;
  }[];
}
/**
 * The citizen lives at a new address from the effective date.
 */
export interface AddressChangedV1 {
  /**
   * Personal data: location.
   */
  address: Address;
  effectiveDate: CalendarDate;
  /**
   * Personal data: location.
   */
  previousAddress?: Address;
}
/**
 * A structured French postal address (BAN vocabulary).
 */
export interface Address {
  /**
   * Personal data: location.
   */
  number?: string;
  /**
   * Personal data: location.
   */
  suffix?: 'bis' | 'ter' | 'quater' | 'quinquies' | 'A' | 'B' | 'C' | 'D' | 'E';
  /**
   * Personal data: location.
   */
  streetName: string;
  /**
   * Personal data: location.
   */
  complement?: string;
  /**
   * Personal data: location.
   */
  postcode: string;
  /**
   * Personal data: location.
   */
  communeName: string;
  /**
   * Personal data: location.
   */
  communeInsee?: InseeCode;
  country: Country;
  /**
   * Personal data: location.
   */
  banId?: string;
}
/**
 * A birth certificate was drawn up by a civil registry. The subject is the child's new pivot id.
 */
export interface BirthRegisteredV1 {
  /**
   * Personal data: identity.
   */
  name: PersonName;
  /**
   * Personal data: identity.
   */
  sex: Sex;
  /**
   * Personal data: identity.
   */
  dateOfBirth: CalendarDate;
  /**
   * Personal data: location.
   */
  placeOfBirth: Place;
  /**
   * Personal data: identity.
   *
   * @minItems 1
   * @maxItems 4
   */
  parents?: Person[];
  /**
   * Personal data: identity.
   */
  actReference?: ActReference;
}
/**
 * A person's name as the civil registry holds it: birth name (nom de naissance), usage name (nom d'usage) and given names in order.
 */
export interface PersonName {
  /**
   * Personal data: identity.
   */
  birthName: string;
  /**
   * Personal data: identity.
   */
  usageName?: string;
  /**
   * Personal data: identity.
   *
   * @minItems 1
   * @maxItems 10
   */
  givenNames: string[];
}
/**
 * A commune, in France or abroad.
 */
export interface Place {
  /**
   * Personal data: location.
   */
  communeName: string;
  /**
   * Personal data: location.
   */
  communeInsee?: InseeCode;
  country: Country;
}
/**
 * Another person an event names (a parent, a spouse, a household member): their pivot id when Relais knows them, and their name.
 */
export interface Person {
  /**
   * Personal data: identity.
   */
  pivotId?: PivotId;
  /**
   * Personal data: identity.
   */
  name: PersonName;
  /**
   * Personal data: identity.
   */
  dateOfBirth?: CalendarDate;
}
/**
 * The citizen gave new contact details. Only the details that changed are present; at least one is.
 */
export interface ContactChangedV1 {
  /**
   * Personal data: contact.
   */
  email?: string;
  /**
   * The language the citizen wants to be written to in (notifications).
   */
  language?: 'fr' | 'en';
  /**
   * E.164 (+33612345678).
   *
   * Personal data: contact.
   */
  phone?: string;
}
/**
 * A death certificate was drawn up by a civil registry.
 */
export interface DeathRegisteredV1 {
  /**
   * Personal data: sensitive.
   */
  dateOfDeath: CalendarDate;
  /**
   * Personal data: location.
   */
  placeOfDeath: Place;
  /**
   * Personal data: identity.
   */
  actReference?: string;
}
/**
 * The household the citizen declares (the subject) has this composition from the effective date. `members` lists every member, the declarant included, with their role.
 */
export interface HouseholdChangedV1 {
  effectiveDate: CalendarDate;
  /**
   * Personal data: identity.
   *
   * @minItems 1
   * @maxItems 30
   */
  members: {
    /**
     * Personal data: identity.
     */
    pivotId?: PivotId;
    /**
     * Personal data: identity.
     */
    name: PersonName;
    /**
     * Personal data: identity.
     */
    dateOfBirth?: CalendarDate;
    /**
     * Personal data: identity.
     */
    role: HouseholdRole;
    /**
     * Counted as a dependant (à charge) for benefits and tax.
     *
     * Personal data: sensitive.
     */
    dependent?: boolean;
  }[];
}
/**
 * A marriage certificate was drawn up. One event per spouse: the subject is that spouse, `spouse` the other.
 */
export interface MarriageRegisteredV1 {
  /**
   * Personal data: identity.
   */
  dateOfMarriage: CalendarDate;
  /**
   * Personal data: location.
   */
  placeOfMarriage: Place;
  /**
   * Personal data: identity.
   */
  spouse: Person;
  /**
   * Personal data: identity.
   */
  actReference?: ActReference;
}
/**
 * The citizen's name changed: a new birth name or given names (by decree, court decision or civil-registry declaration), or a new usage name. `name` is the complete name after the change.
 */
export interface NameChangedV1 {
  /**
   * Personal data: identity.
   */
  name: PersonName;
  /**
   * Personal data: identity.
   */
  previousName?: PersonName;
  effectiveDate: CalendarDate;
  /**
   * The act that grounds the change; absent for a usage-name declaration, which needs none.
   *
   * Personal data: identity.
   */
  legalAct?: LegalAct;
}
/**
 * The legal act that grounds a change (a civil-registry declaration, a decree, a court decision).
 */
export interface LegalAct {
  kind: 'civil-registry-declaration' | 'decree' | 'court-decision' | 'administrative-decision';
  /**
   * Personal data: identity.
   */
  reference: ActReference;
  date?: CalendarDate;
}
/**
 * A PACS ended. One event per living partner: the subject is that partner, `partner` the other.
 */
export interface PacsDissolvedV1 {
  /**
   * Personal data: identity.
   */
  dateOfDissolution: CalendarDate;
  /**
   * Personal data: sensitive.
   */
  cause: 'joint-declaration' | 'unilateral-declaration' | 'marriage' | 'death';
  /**
   * Personal data: identity.
   */
  partner?: Person;
  /**
   * Personal data: identity.
   */
  reference?: ActReference;
}
/**
 * A civil solidarity pact (PACS) was registered. One event per partner: the subject is that partner, `partner` the other.
 */
export interface PacsRegisteredV1 {
  /**
   * Personal data: identity.
   */
  dateOfRegistration: CalendarDate;
  /**
   * Personal data: identity.
   */
  partner: Person;
  /**
   * Who registered it: the town hall's registrar, a notary or a consulate.
   */
  registeredBy: 'town-hall' | 'notary' | 'consulate';
  /**
   * Commune of the registering town hall or notary.
   *
   * Personal data: location.
   */
  place?: Place;
  /**
   * Personal data: identity.
   */
  reference?: ActReference;
}
/**
 * The competent service closed a request, with its outcome.
 */
export interface ServiceRequestResolvedV1 {
  requestId: RequestId;
  category?: ServiceRequestCategory;
  status: 'resolved' | 'rejected' | 'duplicate' | 'withdrawn';
  competentService: SystemName;
  /**
   * The service's message to the citizen.
   *
   * Personal data: sensitive.
   */
  comment?: string;
  resolvedAt: DateTime;
}
/**
 * The citizen (the subject) reported an incident or asked for a service (e.g. a missed waste collection). The competent service handles it; updates and the resolution follow as separate events with the same requestId.
 */
export interface ServiceRequestSubmittedV1 {
  requestId: RequestId;
  category: ServiceRequestCategory;
  /**
   * Personal data: location.
   */
  location: Location;
  /**
   * The citizen's own words: free text, may hold anything.
   *
   * Personal data: sensitive.
   */
  description?: string;
  status: 'submitted';
  /**
   * The system of the service that handles the request.
   */
  competentService: SystemName;
  submittedAt?: DateTime;
}
/**
 * Where a service request applies: a postal address, a commune, or both.
 */
export interface Location {
  /**
   * Personal data: location.
   */
  address?: Address;
  /**
   * Personal data: location.
   */
  communeInsee?: InseeCode;
}
/**
 * The competent service changed a request's status (acknowledged, scheduled, reassigned…); it is still open.
 */
export interface ServiceRequestUpdatedV1 {
  requestId: RequestId;
  category?: ServiceRequestCategory;
  status: 'acknowledged' | 'scheduled' | 'in-progress' | 'on-hold' | 'reassigned';
  /**
   * The service handling it now (a new one when reassigned).
   */
  competentService: SystemName;
  /**
   * The service's message to the citizen.
   *
   * Personal data: sensitive.
   */
  comment?: string;
  /**
   * When the service plans to act.
   */
  plannedDate?: CalendarDate;
  updatedAt?: DateTime;
}
