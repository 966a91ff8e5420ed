// Generated from schemas/events by `npm run gen`. Do not edit.
// One constant per event type of the catalogue; the naming rule is in docs/events.md.
export const CHANGE_SETTLED_V1 = 'fr.relais.change.settled.v1';
export const ADDRESS_CHANGED_V1 = 'fr.relais.citizen.address.changed.v1';
export const BIRTH_REGISTERED_V1 = 'fr.relais.citizen.birth.registered.v1';
export const CONTACT_CHANGED_V1 = 'fr.relais.citizen.contact.changed.v1';
export const DEATH_REGISTERED_V1 = 'fr.relais.citizen.death.registered.v1';
export const HOUSEHOLD_CHANGED_V1 = 'fr.relais.citizen.household.changed.v1';
export const MARRIAGE_REGISTERED_V1 = 'fr.relais.citizen.marriage.registered.v1';
export const NAME_CHANGED_V1 = 'fr.relais.citizen.name.changed.v1';
export const PACS_DISSOLVED_V1 = 'fr.relais.citizen.pacs.dissolved.v1';
export const PACS_REGISTERED_V1 = 'fr.relais.citizen.pacs.registered.v1';
export const SERVICE_REQUEST_RESOLVED_V1 = 'fr.relais.service-request.resolved.v1';
export const SERVICE_REQUEST_SUBMITTED_V1 = 'fr.relais.service-request.submitted.v1';
export const SERVICE_REQUEST_UPDATED_V1 = 'fr.relais.service-request.updated.v1';
