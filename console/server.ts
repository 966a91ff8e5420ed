/**
 * The agent console (docs/adr/0028): server-rendered DSFR pages, its own process, a client of
 * the gateway's public API with the agent's access token. Login by OpenID Connect (code + PKCE,
 * login.ts); sessions in memory (session.ts); French by default, English by `?lang=en`.
 */
import type express from 'express';
import { html } from '../web/html.ts';
import { contextOf, render, screen, type ConsoleOptions } from './context.ts';
import { changeScreens } from './screens/change.ts';
import { citizenScreens } from './screens/citizen.ts';
import { identityReviewScreens } from './screens/identity-reviews.ts';
import { kpisScreens } from './screens/kpis.ts';
import { operationsScreens } from './screens/operations.ts';
import { requestsScreens } from './screens/requests.ts';
import { searchScreens } from './screens/search.ts';
import { Sessions } from './session.ts';
import { oidcLogin, serve, webFront, type RunningFront } from './web-front.ts';

export type { ConsoleOptions } from './context.ts';

export function createConsoleApp(options: ConsoleOptions): express.Express {
  const sessions = new Sessions({ secure: options.secure });
  const app = webFront(options);
  oidcLogin(app, sessions, options.oidc, (req, res) => {
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

  app.post(
    '/logout',
    screen(sessions, options, async (ctx) => {
      sessions.end(ctx.session, ctx.res);
      ctx.res.redirect(303, '/');
    }),
  );

  app.use(
    searchScreens(sessions, options),
    citizenScreens(sessions, options),
    changeScreens(sessions, options),
    requestsScreens(sessions, options),
    identityReviewScreens(sessions, options),
    operationsScreens(sessions, options),
    kpisScreens(sessions, options),
  );
  app.use((req, res) => {
    const ctx = contextOf(req, res, sessions, options);
    render(
      ctx,
      ctx.t('notFoundTitle'),
      html`<h1>${ctx.t('notFoundTitle')}</h1>
        <p><a href="/">${ctx.t('navSearch')}</a></p>`,
      undefined,
      404,
    );
  });
  return app;
}

export type RunningConsole = RunningFront;

export function startConsole(options: ConsoleOptions & { port: number; host?: string }): Promise<RunningConsole> {
  return serve(createConsoleApp(options), options.port, options.host);
}
