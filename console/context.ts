/**
 * What every console page has at hand: the language and its texts, the agent's session, the
 * gateway client acting as the agent, and one way to answer (the DSFR page shell). A page that
 * needs a login and has none redirects to it; an API problem is shown with its detail and rule
 * (a 403 says which rule of the rights file refused), never a stack.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { html, type Html } from '../web/html.ts';
import { languageOf, translator, type Lang } from '../web/i18n.ts';
import { page } from '../web/layout.ts';
import { ApiProblem, gatewayAs, type Gateway } from './api.ts';
import type { OidcClient } from './login.ts';
import { messages, type MessageKey } from './messages.ts';
import type { Session, Sessions } from './session.ts';

export interface ConsoleOptions {
  /** The gateway's public URL, as this process reaches it. */
  gatewayUrl: string;
  oidc: OidcClient;
  /** The systems of the flows, for the search by identifier. */
  systems: string[];
  /** Served over HTTPS: Secure cookies. */
  secure: boolean;
}

export interface Context {
  req: Request;
  res: Response;
  lang: Lang;
  t: (key: MessageKey, values?: Record<string, string | number>) => string;
  session: Session;
  options: ConsoleOptions;
}

/** Thrown by a page that needs the agent logged in. */
class LoginNeeded extends Error {}

export function contextOf(req: Request, res: Response, sessions: Sessions, options: ConsoleOptions): Context {
  const lang = languageOf(req, res);
  return { req, res, lang, t: translator(messages, lang), session: sessions.of(req, res), options };
}

/** The gateway as the logged-in agent (with the purpose stated for reading files). */
export function gateway(ctx: Context): Gateway {
  const login = ctx.session.login;
  if (!login || login.expiresAt <= Date.now() + 5000) throw new LoginNeeded();
  return gatewayAs(ctx.options.gatewayUrl, login.accessToken, ctx.session.purpose);
}

export function csrfField(ctx: Context): Html {
  return html`<input type="hidden" name="_csrf" value="${ctx.session.csrf}" />`;
}

export type Section = 'search' | 'requests' | 'reviews' | 'dead-letters' | 'kpis';

/** Sends the page: the shell around `main`, in the context's language. */
export function render(ctx: Context, title: string, main: Html, current?: Section, status = 200): void {
  const login = ctx.session.login;
  const roles = login?.agent.roles ?? [];
  const nav = login
    ? [
        { href: '/', label: ctx.t('navSearch'), current: current === 'search' },
        ...(roles.includes('request-agent') ? [{ href: '/requests', label: ctx.t('navRequests'), current: current === 'requests' }] : []),
        ...(roles.includes('identity-reviewer')
          ? [{ href: '/identity-reviews', label: ctx.t('navReviews'), current: current === 'reviews' }]
          : []),
        ...(roles.includes('operator')
          ? [
              { href: '/dead-letters', label: ctx.t('navDeadLetters'), current: current === 'dead-letters' },
              { href: '/kpis', label: ctx.t('navKpis'), current: current === 'kpis' },
            ]
          : []),
      ]
    : [];
  const tools = login
    ? html`<p class="fr-mb-0 fr-mr-2w">${ctx.t('loggedInAs', { agent: login.agent.sub })}</p>
        <form method="post" action="/logout">
          ${csrfField(ctx)}<button class="fr-btn fr-btn--tertiary fr-btn--sm" type="submit">${ctx.t('logout')}</button>
        </form>`
    : html`<a class="fr-btn fr-btn--sm" href="/login">${ctx.t('login')}</a>`;
  const flash = ctx.session.flash;
  delete ctx.session.flash;
  const shown = flash
    ? html`<div class="fr-alert fr-alert--${flash.kind} fr-alert--sm fr-mb-3w" role="status"><p>${flash.text}</p></div>
        ${main}`
    : main;
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
        main: shown,
      }).text,
    );
}

/** A handler of one screen: login redirects and API problems handled the same way everywhere. */
export function screen(sessions: Sessions, options: ConsoleOptions, handle: (ctx: Context) => Promise<void>): RequestHandler {
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
      await handle(ctx);
    } catch (error) {
      if (error instanceof LoginNeeded || (error instanceof ApiProblem && error.status === 401)) {
        delete ctx.session.login;
        res.redirect(303, `/login?returnTo=${encodeURIComponent(req.method === 'GET' ? req.originalUrl : '/')}`);
      } else if (error instanceof ApiProblem) {
        const rule = error.problem.rule;
        render(
          ctx,
          ctx.t('errorTitle'),
          html`<h1>${ctx.t('errorTitle')}</h1>
            <div class="fr-alert fr-alert--error" role="alert">
              <p>${error.message}</p>
              ${rule ? html`<p>${ctx.t('errorRule', { rule })}</p>` : ''}
              ${
                error.problem.errors?.length
                  ? html`<ul>
                      ${error.problem.errors.map((e) => html`<li><code>${e.field}</code> : ${e.message}</li>`)}
                    </ul>`
                  : ''
              }
            </div>`,
          undefined,
          error.status,
        );
      } else next(error);
    }
  };
}

/** A query parameter's value ('' when absent or repeated), trimmed. */
export function queryParam(ctx: Context, name: string): string {
  const value = ctx.req.query[name];
  return typeof value === 'string' ? value.trim() : '';
}

/** A form field's value (urlencoded body), trimmed. */
export function field(ctx: Context, name: string): string {
  const value = (ctx.req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.trim() : '';
}
