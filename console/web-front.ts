/**
 * What every web front of Relais (the agent console, the citizen space) sets up the same way:
 * the Express app with its security headers (a strict CSP: no inline script, no other origin),
 * the DSFR assets and form parsing; the OpenID Connect login (code + PKCE, login.ts) into a
 * session (session.ts); and the HTTP server's start and stop. Each front adds its own pages.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import helmet from 'helmet';
import { assetsRouter } from '../web/assets.ts';
import { authorizationRequest, exchangeCode, type OidcClient } from './login.ts';
import type { Session, Sessions } from './session.ts';

export function webFront(options: { secure: boolean }): express.Express {
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
  return app;
}

/** Where to go after login: a path of this site only (never another site). */
function localPath(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])/.test(value) ? value : '/';
}

/**
 * GET /login (to the provider, `?returnTo=` a local path) and GET /callback (the code exchanged,
 * the session id renewed: no fixation). A callback without the session's pending state is
 * answered by `refused` (a page of the front's own).
 */
export function oidcLogin(
  app: express.Express,
  sessions: Sessions,
  oidc: OidcClient,
  refused: (req: Request, res: Response, session: Session) => void,
): void {
  app.get('/login', async (req, res) => {
    const session = sessions.of(req, res);
    const request = await authorizationRequest(oidc);
    session.pending = { verifier: request.verifier, state: request.state, returnTo: localPath(req.query['returnTo']) };
    res.redirect(303, request.url);
  });

  app.get('/callback', async (req, res) => {
    const session = sessions.of(req, res);
    const pending = session.pending;
    const code = req.query['code'];
    if (!pending || typeof code !== 'string' || req.query['state'] !== pending.state) return refused(req, res, session);
    const login = await exchangeCode(oidc, code, pending.verifier);
    const renewed = sessions.renew(session, res);
    delete renewed.pending;
    renewed.login = login;
    res.redirect(303, pending.returnTo);
  });
}

export interface RunningFront {
  url: string;
  close(): Promise<void>;
}

export async function serve(app: express.Express, port: number, host = '127.0.0.1'): Promise<RunningFront> {
  const server: Server = app.listen(port, host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
