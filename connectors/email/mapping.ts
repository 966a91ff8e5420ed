/**
 * Canonical events → a French email to the citizen: one template per event type, filled with
 * the fields the flow delivers (flows/email.yaml); and the notice to a deceased citizen's
 * family contact, in French or English. Pure: no I/O. A template only says what the
 * delivery carries; a field the flow does not allow is simply absent from the message.
 */
import {
  ADDRESS_CHANGED_V1,
  CHANGE_SETTLED_V1,
  DEATH_REGISTERED_V1,
  type DeliveryFamilyContact,
  SERVICE_REQUEST_RESOLVED_V1,
  SERVICE_REQUEST_SUBMITTED_V1,
  SERVICE_REQUEST_UPDATED_V1,
} from '@relais/connector-kit';
import { settledNotice } from './settled.ts';

export interface EmailContent {
  subject: string;
  text: string;
}

const categoryLabels: Record<string, string> = {
  'waste.missed-collection': 'collecte des déchets non effectuée',
  'waste.damaged-bin': 'bac endommagé',
  'waste.bulky-items': 'encombrants',
  'waste.illegal-dumping': 'dépôt sauvage',
  'waste.other': 'gestion des déchets',
  'roads.pothole': 'voirie abîmée',
};

const serviceLabels: Record<string, string> = {
  'waste-management': 'le service de gestion des déchets',
  'social-services': 'les services sociaux du département',
  tax: 'le centre des finances publiques',
};

const updatedPhrases: Record<string, string> = {
  acknowledged: 'a été enregistrée par',
  scheduled: 'est planifiée par',
  'in-progress': 'est en cours de traitement par',
  'on-hold': 'est en attente auprès de',
  reassigned: 'a été confiée à',
};

const resolvedPhrases: Record<string, string> = {
  resolved: 'a été traitée par',
  rejected: "n'a pas pu être retenue par",
  duplicate: 'a été rattachée à une demande déjà signalée auprès de',
  withdrawn: 'a été retirée auprès de',
};

const footer = ['', 'Ceci est un message automatique : merci de ne pas y répondre.', 'Relais — « Dites-le nous une fois »'];

function text(data: Record<string, unknown>, field: string): string | undefined {
  const value = data[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function frenchDate(value: string | undefined, withTime = true): string | undefined {
  if (!value) return undefined;
  const date = new Date(value.length === 10 ? `${value}T12:00:00Z` : value);
  if (Number.isNaN(date.getTime())) return undefined;
  return new Intl.DateTimeFormat('fr-FR', {
    dateStyle: 'long',
    ...(withTime ? { timeStyle: 'short' } : {}),
    timeZone: 'Europe/Paris',
  }).format(date);
}

function about(data: Record<string, unknown>): string {
  const category = text(data, 'category');
  return category ? ` (${categoryLabels[category] ?? category})` : '';
}

function service(data: Record<string, unknown>): string {
  const name = text(data, 'competentService');
  return name ? (serviceLabels[name] ?? `le service « ${name} »`) : 'le service compétent';
}

function reference(data: Record<string, unknown>): string[] {
  const id = text(data, 'requestId');
  return id ? ['', `Référence de votre demande : ${id}`] : [];
}

function comment(data: Record<string, unknown>): string[] {
  const message = text(data, 'comment');
  return message ? ['', 'Message du service :', `« ${message} »`] : [];
}

// The confirmation of a change told once: the citizen learns it was taken into account, not
// where they live (the flow delivers the effective date only).
function addressConfirmation(data: Record<string, unknown>): EmailContent {
  const when = frenchDate(text(data, 'effectiveDate'), false);
  return {
    subject: "Votre changement d'adresse a bien été pris en compte",
    text: [
      'Bonjour,',
      '',
      `Votre changement d'adresse${when ? `, effectif le ${when},` : ''} a bien été enregistré.`,
      'Les administrations concernées en sont informées : vous n’avez pas à le leur signaler vous-même.',
      ...footer,
    ].join('\n'),
  };
}

const templates: Record<string, (data: Record<string, unknown>) => EmailContent> = {
  [ADDRESS_CHANGED_V1]: addressConfirmation,
  [CHANGE_SETTLED_V1]: settledNotice,
  [SERVICE_REQUEST_SUBMITTED_V1]: (data) => {
    const when = frenchDate(text(data, 'submittedAt'));
    return {
      subject: 'Votre demande a bien été reçue',
      text: [
        'Bonjour,',
        '',
        `Nous avons bien reçu votre demande${about(data)}${when ? ` du ${when}` : ''}.`,
        `Elle a été transmise à ${service(data)}, qui vous tiendra informé(e) de son traitement.`,
        ...reference(data),
        ...footer,
      ].join('\n'),
    };
  },
  [SERVICE_REQUEST_UPDATED_V1]: (data) => {
    const phrase = updatedPhrases[text(data, 'status') ?? ''] ?? 'a évolué auprès de';
    const planned = frenchDate(text(data, 'plannedDate'), false);
    return {
      subject: 'Votre demande est en cours de traitement',
      text: [
        'Bonjour,',
        '',
        `Votre demande${about(data)} ${phrase} ${service(data)}.`,
        ...(planned ? [`Intervention prévue le ${planned}.`] : []),
        ...comment(data),
        ...reference(data),
        ...footer,
      ].join('\n'),
    };
  },
  [SERVICE_REQUEST_RESOLVED_V1]: (data) => {
    const status = text(data, 'status') ?? 'resolved';
    const when = frenchDate(text(data, 'resolvedAt'));
    return {
      subject: status === 'resolved' ? 'Votre demande a été traitée' : 'Votre demande est close',
      text: [
        'Bonjour,',
        '',
        `Votre demande${about(data)} ${resolvedPhrases[status] ?? 'a été close par'} ${service(data)}${when ? ` le ${when}` : ''}.`,
        ...comment(data),
        ...reference(data),
        '',
        'Merci de nous avoir signalé ce problème.',
        ...footer,
      ].join('\n'),
    };
  },
};

export const templatedTypes = Object.keys(templates);

function englishDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const date = new Date(`${value}T12:00:00Z`);
  if (Number.isNaN(date.getTime())) return undefined;
  return new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'Europe/Paris' }).format(date);
}

// To a bereaved relative: condolences first, what happened in plain words, that there is nothing
// to tell the administrations again, and why they receive it. Never the deceased's details
// beyond the date the flow delivers, never a request to act.
const bereavementNotices: Record<
  DeliveryFamilyContact['language'],
  (contact: DeliveryFamilyContact, data: Record<string, unknown>) => EmailContent
> = {
  fr: (contact, data) => {
    const when = frenchDate(text(data, 'dateOfDeath'), false);
    return {
      subject: 'Décès de votre proche : les administrations sont informées',
      text: [
        `Bonjour ${contact.name},`,
        '',
        'Nous vous adressons nos sincères condoléances.',
        '',
        `Le décès de votre proche${when ? `, survenu le ${when},` : ''} a été enregistré par l’état civil.`,
        'Les administrations concernées en sont informées : vous n’avez pas à le leur signaler vous-même.',
        '',
        `Vous recevez ce message parce que vous avez été désigné(e) comme contact familial (${contact.relationship}).`,
        ...footer,
      ].join('\n'),
    };
  },
  en: (contact, data) => {
    const when = englishDate(text(data, 'dateOfDeath'));
    return {
      subject: 'The death of your relative: the administrations have been informed',
      text: [
        `Dear ${contact.name},`,
        '',
        'Please accept our sincere condolences.',
        '',
        `The death of your relative${when ? ` on ${when}` : ''} has been registered by the civil registry.`,
        'The administrations concerned have been informed: you do not need to tell them yourself.',
        '',
        `You receive this message because you were declared as the family contact (${contact.relationship}).`,
        '',
        'This is an automatic message: please do not reply.',
        'Relais — “Tell us once”',
      ].join('\n'),
    };
  },
};

/**
 * The notice to a deceased citizen's family contact, in the contact's language: the death's
 * registration only (undefined for any other type), so a bereaved relative never receives a
 * message written for the deceased, whatever else a flow opts in.
 */
export function toFamilyContactNotice(
  type: string,
  contact: DeliveryFamilyContact,
  data: Record<string, unknown>,
): EmailContent | undefined {
  return type === DEATH_REGISTERED_V1 ? bereavementNotices[contact.language](contact, data) : undefined;
}

/** The email for an event, or undefined when no template exists for its type. */
export function toEmail(type: string, data: Record<string, unknown>): EmailContent | undefined {
  return templates[type]?.(data);
}

/** A plausible mailbox address (the identity map holds what the citizen gave). */
export function isEmailAddress(value: string): boolean {
  return /^[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+$/.test(value) && value.length <= 254;
}
