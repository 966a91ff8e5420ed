/**
 * What every page of the citizen space has at hand: the language and its texts, the session
 * (console/session.ts, under a cookie of its own), the gateway as the citizen (console/api.ts,
 * with the citizen's own token), and the DSFR page shell (web/layout.ts). The citizen space
 * decides nothing: the gateway matches the citizen to a pivot id (GET /v1/me) and its rights
 * file says what the citizen may tell and read. A page that needs a citizen the register could
 * not match with certainty shows why instead, never a guess.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ApiProblem, gatewayAs, ok, type Gateway, type Schemas } from '../console/api.ts';
import type { OidcClient } from '../console/login.ts';
import type { Session, Sessions } from '../console/session.ts';
import { html, type Html } from '../web/html.ts';
import { languageOf, translator, type Lang } from '../web/i18n.ts';
import { page } from '../web/layout.ts';
import { messages, type MessageKey } from './messages.ts';

export interface CitizenSpaceOptions {
  /** The gateway's public URL, as this process reaches it. */
  gatewayUrl: string;
  oidc: OidcClient;
  /** Served over HTTPS: Secure cookies. */
  secure: boolean;
}

export interface Context {
  req: Request;
  res: Response;
  lang: Lang;
  t: (key: MessageKey, values?: Record<string, string | number>) => string;
  session: Session;
  options: CitizenSpaceOptions;
}

/** Thrown by a page that needs the citizen logged in. */
class LoginNeeded extends Error {}

/** Who the session's token stands for, asked once per login (the gateway matched the civil identity). */
const whoByToken = new Map<string, Schemas['Me']>();

export function contextOf(req: Request, res: Response, sessions: Sessions, options: CitizenSpaceOptions): Context {
  const lang = languageOf(req, res);
  return { req, res, lang, t: translator(messages, lang), session: sessions.of(req, res), options };
}

/** The gateway as the logged-in citizen. */
export function gateway(ctx: Context): Gateway {
  const login = ctx.session.login;
  if (!login || login.expiresAt <= Date.now() + 5000) throw new LoginNeeded();
  return gatewayAs(ctx.options.gatewayUrl, login.accessToken);
}

/** The citizen's token as the gateway sees it (GET /v1/me): matched or not, and to whom. */
export async function me(ctx: Context): Promise<Schemas['Me']> {
  const client = gateway(ctx);
  const token = ctx.session.login!.accessToken;
  let found = whoByToken.get(token);
  if (!found) {
    found = ok(await client.GET('/v1/me'));
    // The register could not be asked: ask again next time.
    if (found.identity !== 'register-unavailable') whoByToken.set(token, found);
    if (whoByToken.size > 10_000) whoByToken.delete(whoByToken.keys().next().value!);
  }
  return found;
}

export function forget(token: string | undefined): void {
  if (token) whoByToken.delete(token);
}

export function csrfField(ctx: Context): Html {
  return html`<input type="hidden" name="_csrf" value="${ctx.session.csrf}" />`;
}

export type Section = 'home' | 'move' | 'contact' | 'disclosures';

/** Sends the page: the shell around `main`, in the context's language. */
export function render(ctx: Context, title: string, main: Html, current?: Section, status = 200): void {
  const login = ctx.session.login;
  const nav = login
    ? (
        [
          ['/', 'navHome', 'home'],
          ['/move', 'navMove', 'move'],
          ['/contact', 'navContact', 'contact'],
          ['/disclosures', 'navDisclosures', 'disclosures'],
        ] as const
      ).map(([href, label, section]) => ({ href, label: ctx.t(label), current: current === section }))
    : [];
  const tools = login
    ? html`<p class="fr-mb-0 fr-mr-2w">${ctx.t('loggedInAs', { name: login.agent.sub })}</p>
        <form method="post" action="/logout">
          ${csrfField(ctx)}<button class="fr-btn fr-btn--tertiary fr-btn--sm" type="submit">${ctx.t('logout')}</button>
        </form>`
    : html`<a class="fr-btn fr-btn--sm" href="/login">${ctx.t('login')}</a>`;
  const flash = ctx.session.flash;
  delete ctx.session.flash;
  ctx.res
    .status(status)
    .type('html')
    .set('cache-control', 'no-store')
    .send(
      page({
        lang: ctx.lang,
        title,
        service: { name: ctx.t('serviceName'), tagline: ctx.t('serviceTagline'), home: '/' },
        nav,
        tools,
        url: ctx.req.originalUrl,
        main: flash
          ? html`<div class="fr-alert fr-alert--${flash.kind} fr-alert--sm fr-mb-3w" role="status"><p>${flash.text}</p></div>
              ${main}`
          : main,
      }).text,
    );
}

/** The page explaining why the citizen could not be matched (ambiguous, not found, register down). */
function unmatched(ctx: Context, identity: Schemas['Me']['identity']): void {
  const [title, text] =
    identity === 'ambiguous'
      ? (['identityAmbiguousTitle', 'identityAmbiguousText'] as const)
      : identity === 'register-unavailable'
        ? (['identityUnavailableTitle', 'identityUnavailableText'] as const)
        : (['identityNotFoundTitle', 'identityNotFoundText'] as const);
  render(
    ctx,
    ctx.t(title),
    html`<h1>${ctx.t(title)}</h1>
      <div class="fr-alert fr-alert--warning fr-mb-3w" data-identity="${identity ?? 'not-found'}">
        <p>${ctx.t(text)}</p>
      </div>
      <p>${ctx.t('identityDesk')}</p>
      ${identity === 'register-unavailable' ? html`<p><a class="fr-btn" href="${ctx.req.originalUrl}">${ctx.t('retry')}</a></p>` : ''}`,
    undefined,
    403,
  );
}

/** A page handler: login redirects, the identity gate, the CSRF check, and API problems, the same everywhere. */
export function screen(
  sessions: Sessions,
  options: CitizenSpaceOptions,
  handle: (ctx: Context, pivotId: string) => Promise<void>,
): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const ctx = contextOf(req, res, sessions, options);
    try {
      if (req.method === 'POST' && (req.body as Record<string, unknown> | undefined)?.['_csrf'] !== ctx.session.csrf) {
        render(
          ctx,
          ctx.t('errorTitle'),
          html`<h1>${ctx.t('errorTitle')}</h1>
            <p>${ctx.t('csrfRefused')}</p>`,
          undefined,
          403,
        );
        return;
      }
      const who = await me(ctx);
      if (!who.pivotId) return unmatched(ctx, who.identity);
      await handle(ctx, who.pivotId);
    } catch (error) {
      if (error instanceof LoginNeeded || (error instanceof ApiProblem && error.status === 401)) {
        delete ctx.session.login;
        res.redirect(303, `/login?returnTo=${encodeURIComponent(req.method === 'GET' ? req.originalUrl : '/')}`);
      } else if (error instanceof ApiProblem) {
        const rule = error.problem.rule;
        const fields = error.problem.errors ?? [];
        render(
          ctx,
          ctx.t('errorTitle'),
          html`<h1>${ctx.t('errorTitle')}</h1>
            <div class="fr-alert fr-alert--error" role="alert">
              <p>${error.message}</p>
              ${fields.map((f) => html`<p><code>${f.field}</code> : ${f.message}</p>`)}
              ${rule ? html`<p>${ctx.t('errorRule', { rule })}</p>` : ''}
            </div>
            <p><a class="fr-link" href="/">${ctx.t('backHome')}</a></p>`,
          undefined,
          error.status,
        );
      } else next(error);
    }
  };
}

/** A form field's value (urlencoded body), trimmed. */
export function field(ctx: Context, name: string): string {
  const value = (ctx.req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.trim() : '';
}

/** A form field given several times (checkboxes): every value. */
export function fields(ctx: Context, name: string): string[] {
  const value = (ctx.req.body as Record<string, unknown> | undefined)?.[name];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string' && v !== '');
}
