/** The simulator's express app (no listen): authentication, routes, legacy error shape. */
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { deskRoutes } from './desk-routes.ts';
import { dossierRoutes } from './dossier-routes.ts';
import { faultRoutes } from './fault-routes.ts';
import { FaultInjector } from './faults.ts';
import { sendErreur } from './http.ts';
import type { SocialServicesStore } from './store.ts';
import { loadValidators } from './validation.ts';
import type { WebhookSender } from './webhook.ts';

export interface SocialServicesAppOptions {
  store: SocialServicesStore;
  /** Value expected in `X-Api-Key` on every `/dossiers` route; absent or empty, no check. */
  apiKey?: string;
  /** Where changes recorded at the desk are notified; absent, they are not notified. */
  webhook?: WebhookSender;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function requireApiKey(apiKey: string | undefined): RequestHandler {
  if (apiKey === undefined || apiKey === '') return (_req, _res, next) => next();
  const expected = digest(apiKey);
  return (req, res, next) => {
    const given = req.get('X-Api-Key');
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      return sendErreur(res, 401, 'NON_AUTHENTIFIE', 'En-tête X-Api-Key absent ou invalide.');
    }
    next();
  };
}

const handleError: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if (res.headersSent) return next(error);
  const status = typeof error === 'object' && error !== null && 'status' in error ? error.status : undefined;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return sendErreur(res, status, 'REQUETE_INVALIDE', error instanceof Error ? error.message : 'Requête invalide.');
  }
  sendErreur(res, 500, 'ERREUR_INTERNE', 'Erreur interne du simulateur.');
};

export function createSocialServicesApp(options: SocialServicesAppOptions): Express {
  const validators = loadValidators();
  const faults = new FaultInjector();
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Bodies are read raw so that the journal keeps them exactly as received, JSON or not.
  app.use(express.raw({ type: () => true, limit: '256kb' }));

  app.get('/healthz', (_req, res) => {
    res.json({ statut: 'ok' });
  });
  app.use('/_admin/pannes', faultRoutes(faults, validators.configurationPanne));
  app.get('/_admin/notifications', (_req, res) => {
    res.json(options.webhook?.list() ?? []);
  });
  app.use('/_guichet', deskRoutes(options.store, validators, options.webhook));
  app.use('/dossiers', requireApiKey(options.apiKey), dossierRoutes({ store: options.store, faults, validators }));
  app.use((_req, res) => sendErreur(res, 404, 'RESSOURCE_INCONNUE', 'Ressource inconnue.'));
  app.use(handleError);
  return app;
}
