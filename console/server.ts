/**
 * The agent console (docs/adr/0028): server-rendered DSFR pages, its own process, a client of
 * the gateway's public API with the agent's access token. Login by OpenID Connect (code + PKCE,
 * login.ts); sessions in memory (session.ts); French by default, English by `?lang=en`.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import helmet from 'helmet';
import { html } from '../web/html.ts';
import { assetsRouter } from '../web/assets.ts';
import { contextOf, render, screen, type ConsoleOptions } from './context.ts';
import { authorizationRequest, exchangeCode } from './login.ts';
import { changeScreens } from './screens/change.ts';
import { citizenScreens } from './screens/citizen.ts';
import { identityReviewScreens } from './screens/identity-reviews.ts';
import { kpisScreens } from './screens/kpis.ts';
import { operationsScreens } from './screens/operations.ts';
import { requestsScreens } from './screens/requests.ts';
import { Sessions } from './session.ts';

export type { ConsoleOptions } from './context.ts';

/** Where to go after login: a path of this console only (never another site). */
function localPath(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])/.test(value) ? value : '/';
}

export function createConsoleApp(options: ConsoleOptions): express.Express {
  const sessions = new Sessions({ secure: options.secure });
  const app = express();
  app.disable('x-powered-by');
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: { 'img-src': ["'self'", 'data:'], 'upgrade-insecure-requests': options.secure ? [] : null },
      },
      strictTransportSecurity: options.secure,
    }),
  );
  app.use(assetsRouter());
  app.use(express.urlencoded({ extended: false, limit: '16kb' }));

  app.get('/login', async (req, res) => {
    const ctx = contextOf(req, res, sessions, options);
    const request = await authorizationRequest(options.oidc);
    ctx.session.pending = { verifier: request.verifier, state: request.state, returnTo: localPath(req.query['returnTo']) };
    res.redirect(303, request.url);
  });

  app.get('/callback', async (req, res) => {
    const ctx = contextOf(req, res, sessions, options);
    const pending = ctx.session.pending;
    const code = req.query['code'];
    if (!pending || typeof code !== 'string' || req.query['state'] !== pending.state) {
      render(
        ctx,
        ctx.t('errorTitle'),
        html`<h1>${ctx.t('errorTitle')}</h1>
          <p><a href="/login">${ctx.t('login')}</a></p>`,
        undefined,
        400,
      );
      return;
    }
    const login = await exchangeCode(options.oidc, code, pending.verifier);
    const session = sessions.renew(ctx.session, res);
    delete session.pending;
    session.login = login;
    res.redirect(303, pending.returnTo);
  });

  app.post(
    '/logout',
    screen(sessions, options, async (ctx) => {
      sessions.end(ctx.session, ctx.res);
      ctx.res.redirect(303, '/');
    }),
  );

  app.use(
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

export interface RunningConsole {
  url: string;
  close(): Promise<void>;
}

export async function startConsole(options: ConsoleOptions & { port: number; host?: string }): Promise<RunningConsole> {
  const server: Server = createConsoleApp(options).listen(options.port, options.host ?? '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
