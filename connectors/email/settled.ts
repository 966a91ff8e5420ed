/**
 * The notice that a change told once is done (fr.relais.change.settled.v1, docs/privacy.md):
 * sent once every concerned administration settled it, in the citizen's language, with each
 * one's outcome — a refusal with the administration's reason and what to do next. Pure: no I/O.
 */
import { ADDRESS_CHANGED_V1, CONTACT_CHANGED_V1, HOUSEHOLD_CHANGED_V1 } from '@relais/connector-kit';
import type { EmailContent } from './mapping.ts';

type Language = 'fr' | 'en';
interface Outcome {
  system: string;
  status: string;
  reason?: string;
}

const systemNames: Record<Language, Record<string, string>> = {
  fr: {
    'social-services': 'Services sociaux du département',
    'waste-management': 'Gestion des déchets de la métropole',
    'school-catering': 'Restauration scolaire et crèches de la commune',
    tax: 'Centre des finances publiques',
    'civil-registry': 'État civil',
  },
  en: {
    'social-services': 'Social services (département)',
    'waste-management': 'Waste collection (métropole)',
    'school-catering': 'School catering and nurseries (town hall)',
    tax: 'Tax office',
    'civil-registry': 'Civil registry',
  },
};

const statusPhrases: Record<Language, Record<string, string>> = {
  fr: {
    applied: 'a pris en compte votre changement',
    superseded: 'tenait déjà compte d’un changement plus récent',
    objected: 'n’a rien reçu, comme vous l’avez demandé (opposition)',
    rejected: 'n’a pas pu prendre en compte votre changement',
    dead_lettered: 'n’a pas pu être informé pour le moment ; nos équipes s’en occupent',
  },
  en: {
    applied: 'has taken your change into account',
    superseded: 'already had a more recent change',
    objected: 'received nothing, as you asked (objection)',
    rejected: 'could not take your change into account',
    dead_lettered: 'could not be informed for now; our teams are on it',
  },
};

const whats: Record<Language, Record<string, string>> = {
  fr: {
    [ADDRESS_CHANGED_V1]: 'Votre changement d’adresse',
    [CONTACT_CHANGED_V1]: 'Le changement de vos coordonnées',
    [HOUSEHOLD_CHANGED_V1]: 'Le changement de la composition de votre foyer',
  },
  en: {
    [ADDRESS_CHANGED_V1]: 'Your change of address',
    [CONTACT_CHANGED_V1]: 'Your new contact details',
    [HOUSEHOLD_CHANGED_V1]: 'The change in your household',
  },
};

const texts = {
  fr: {
    hello: 'Bonjour,',
    done: (what: string) => `${what} a été transmis à toutes les administrations concernées. Voici ce que chacune en a fait :`,
    reason: 'motif',
    refused:
      'Pour une administration qui n’a pas pu prendre en compte votre changement, contactez-la en citant ce motif, ou présentez-vous à un guichet « Dites-le nous une fois ».',
    ok: 'Vous n’avez rien d’autre à faire.',
    fallback: 'Votre changement',
    footer: ['', 'Ceci est un message automatique : merci de ne pas y répondre.', 'Relais — « Dites-le nous une fois »'],
    subject: (refused: boolean) =>
      refused ? 'Votre démarche : une administration n’a pas pu la prendre en compte' : 'Votre démarche est terminée',
  },
  en: {
    hello: 'Hello,',
    done: (what: string) => `${what} has reached every administration concerned. This is what each of them did with it:`,
    reason: 'reason',
    refused:
      'Where an administration could not take your change into account, contact it quoting this reason, or visit a “Tell us once” counter.',
    ok: 'There is nothing else for you to do.',
    fallback: 'Your change',
    footer: ['', 'This is an automatic message: please do not reply.', 'Relais — “Tell us once”'],
    subject: (refused: boolean) =>
      refused ? 'Your request: one administration could not take it into account' : 'Your request is complete',
  },
} as const;

function outcomesOf(data: Record<string, unknown>): Outcome[] {
  const list = data['outcomes'];
  return Array.isArray(list) ? list.filter((o): o is Outcome => typeof o === 'object' && o !== null && 'system' in o && 'status' in o) : [];
}

export function settledNotice(data: Record<string, unknown>): EmailContent {
  const language: Language = data['language'] === 'en' ? 'en' : 'fr';
  const t = texts[language];
  const outcomes = outcomesOf(data);
  const refused = outcomes.some((o) => o.status === 'rejected' || o.status === 'dead_lettered');
  const what = whats[language][String(data['changeType'])] ?? t.fallback;
  // French typography puts a space before a colon; English does not.
  const colon = language === 'fr' ? ' :' : ':';
  const lines = outcomes.map((o) => {
    const name = systemNames[language][o.system] ?? o.system;
    const phrase = statusPhrases[language][o.status] ?? o.status;
    const why = o.status === 'rejected' && o.reason ? ` (${t.reason}${colon} ${o.reason})` : '';
    return `- ${name}${colon} ${phrase}${why}`;
  });
  return {
    subject: t.subject(refused),
    text: [t.hello, '', t.done(what), '', ...lines, '', refused ? t.refused : t.ok, ...t.footer].join('\n'),
  };
}
