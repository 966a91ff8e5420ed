/**
 * The citizen space (docs/adr/0037): server-rendered DSFR pages in a process of its own, a
 * client of the gateway's public API with the citizen's own access token. Login by OpenID
 * Connect, code + PKCE (console/login.ts; FranceConnect in production, the quick start's local
 * provider in the demo); sessions in memory under their own cookie (console/session.ts); the
 * page shell, texts and assets of web/. French by default, English by `?lang=en`.
 */
import type express from 'express';
import { Sessions } from '../console/session.ts';
import { oidcLogin, serve, webFront, type RunningFront } from '../console/web-front.ts';
import { html } from '../web/html.ts';
import { contextOf, forget, render, screen, type CitizenSpaceOptions } from './context.ts';
import { declareScreens } from './screens/declare.ts';
import { privacyScreens } from './screens/privacy.ts';

export type { CitizenSpaceOptions } from './context.ts';

/** The API scopes the citizen space asks for: the gateway's rights (role `citizen`) decide the rest. */
export const CITIZEN_SCOPES = 'openid changes:write changes:read citizens:read citizens:write';
export const CITIZEN_COOKIE = 'relais_citizen';

export function createCitizenApp(options: CitizenSpaceOptions): express.Express {
  const sessions = new Sessions({ secure: options.secure, cookie: CITIZEN_COOKIE });
  const oidc = { ...options.oidc, scope: options.oidc.scope ?? CITIZEN_SCOPES };
  const app = webFront(options);

  app.get('/', async (req, res, next) => {
    const ctx = contextOf(req, res, sessions, options);
    if (ctx.session.login) return next();
    render(
      ctx,
      ctx.t('homeTitle'),
      html`<h1>${ctx.t('homeTitle')}</h1>
        <p class="fr-text--lead">${ctx.t('homeIntro')}</p>
        <p>${ctx.t('homeLoginHint')}</p>
        <p><a class="fr-btn fr-btn--lg" href="/login">${ctx.t('login')}</a></p>`,
      'home',
    );
  });

  app.get(
    '/',
    screen(sessions, options, async (ctx) => {
      const card = (href: string, title: string, text: string) =>
        html`<div class="fr-col-12 fr-col-md-4">
          <div class="fr-card fr-enlarge-link">
            <div class="fr-card__body">
              <div class="fr-card__content">
                <h3 class="fr-card__title"><a href="${href}">${title}</a></h3>
                <p class="fr-card__desc">${text}</p>
              </div>
            </div>
          </div>
        </div>`;
      render(
        ctx,
        ctx.t('homeTitle'),
        html`<h1>${ctx.t('homeWelcome')}</h1>
          <h2>${ctx.t('homeWhat')}</h2>
          <div class="fr-grid-row fr-grid-row--gutters">
            ${card('/move', ctx.t('navMove'), ctx.t('homeMoveText'))} ${card('/contact', ctx.t('navContact'), ctx.t('homeContactText'))}
            ${card('/disclosures', ctx.t('navDisclosures'), ctx.t('homeDisclosuresText'))}
          </div>`,
        'home',
      );
    }),
  );

  oidcLogin(app, sessions, oidc, (req, res) => {
    const ctx = contextOf(req, res, sessions, options);
    render(
      ctx,
      ctx.t('errorTitle'),
      html`<h1>${ctx.t('errorTitle')}</h1>
        <p><a href="/login">${ctx.t('login')}</a></p>`,
      undefined,
      400,
    );
  });

  app.post('/logout', (req, res) => {
    const ctx = contextOf(req, res, sessions, options);
    if ((req.body as Record<string, unknown> | undefined)?.['_csrf'] === ctx.session.csrf) {
      forget(ctx.session.login?.accessToken);
      sessions.end(ctx.session, res);
    }
    res.redirect(303, '/');
  });

  app.use(declareScreens(sessions, options), privacyScreens(sessions, options));
  app.use((req, res) => {
    const ctx = contextOf(req, res, sessions, options);
    render(
      ctx,
      ctx.t('notFoundTitle'),
      html`<h1>${ctx.t('notFoundTitle')}</h1>
        <p><a href="/">${ctx.t('backHome')}</a></p>`,
      undefined,
      404,
    );
  });
  return app;
}

export type RunningCitizenSpace = RunningFront;

export function startCitizenSpace(options: CitizenSpaceOptions & { port: number; host?: string }): Promise<RunningCitizenSpace> {
  return serve(createCitizenApp(options), options.port, options.host);
}
