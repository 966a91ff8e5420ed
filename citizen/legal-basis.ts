/**
 * A legal basis as the citizen reads it: its kind in the page's language, then the text it rests
 * on — French law, so marked `lang="fr"` on the English page too (a screen reader then reads it
 * with the right voice).
 */
import { html, type Html } from '../web/html.ts';
import type { Context } from './context.ts';
import type { MessageKey } from './messages.ts';

const KINDS = new Set(['legal-obligation', 'public-task', 'citizen-request']);

export function basisKind(ctx: Context, kind: string): string {
  return KINDS.has(kind) ? ctx.t(`basis_${kind.replace(/-/g, '_')}` as MessageKey) : kind;
}

/** The kind above its reference. */
export function legalBasis(ctx: Context, kind: string, reference: string): Html {
  return html`<strong>${basisKind(ctx, kind)}</strong><br /><span lang="fr">${reference}</span>`;
}

/** A disclosure's basis as the ledger keeps it ("<kind>: <reference>"). */
export function recordedBasis(ctx: Context, recorded: string): Html {
  const match = /^([a-z-]+): (.+)$/s.exec(recorded);
  return match ? legalBasis(ctx, match[1]!, match[2]!) : html`${recorded}`;
}
