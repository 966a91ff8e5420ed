/** The simulator's express app (no listen): bearer token, routes, the software's error shape. */
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { decodeBody } from '../shared/http-body.ts';
import { componentValidators } from '../shared/openapi-validation.ts';
import { Pannes } from './faults.ts';
import { familleRoutes, personneRoutes, sendErreur, type Validators } from './routes.ts';
import type { SchoolCateringStore } from './store.ts';
import type { Panne } from './types.ts';

export const OPENAPI_URL = new URL('./openapi.yaml', import.meta.url);

export interface SchoolCateringAppOptions {
  store: SchoolCateringStore;
  /** Expected in `Authorization: Bearer …` on /familles and /personnes; absent, no check. */
  token?: string;
}

const sha256 = (value: string): Buffer => createHash('sha256').update(value).digest();

function requireToken(token: string | undefined): RequestHandler {
  if (!token) return (_req, _res, next) => next();
  const expected = sha256(`Bearer ${token}`);
  return (req, res, next) => {
    if (timingSafeEqual(sha256(req.get('authorization') ?? ''), expected)) return next();
    sendErreur(res, 401, 'NON_AUTORISE', 'Jeton absent ou invalide.');
  };
}

const handleError: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if (res.headersSent) return next(error);
  sendErreur(res, 500, 'ERREUR_INTERNE', 'Erreur interne du simulateur.');
};

export function createSchoolCateringApp({ store, token }: SchoolCateringAppOptions): Express {
  const validator = componentValidators(OPENAPI_URL);
  const validators: Validators = {
    nouvelleFamille: validator('NouvelleFamille'),
    changementAdresse: validator('ChangementAdresse'),
    compositionFoyer: validator('CompositionFoyer'),
    declarationDeces: validator('DeclarationDeces'),
  };
  const validPanne = validator<Panne>('Panne');
  const pannes = new Pannes();
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Bodies are read raw so the journal keeps them exactly as received, JSON or not.
  app.use(express.raw({ type: () => true, limit: '256kb' }));

  app.get('/healthz', (_req, res) => {
    res.json({ statut: 'ok' });
  });
  app.put('/_admin/pannes', (req, res) => {
    const decoded = decodeBody(req);
    const checked = decoded.lisible ? validPanne(decoded.body) : { ok: false as const, message: "le corps n'est pas du JSON" };
    if (!checked.ok) return sendErreur(res, 422, 'REQUETE_INVALIDE', checked.message);
    try {
      res.json(pannes.configurer(checked.value));
    } catch (error) {
      sendErreur(res, 422, 'REQUETE_INVALIDE', (error as Error).message);
    }
  });
  app.delete('/_admin/pannes', (_req, res) => {
    res.json(pannes.configurer({ mode: 'aucune' }));
  });
  app.use('/familles', requireToken(token), familleRoutes(store, validators));
  app.use('/personnes', requireToken(token), personneRoutes(store, validators, pannes));
  app.use((_req, res) => sendErreur(res, 404, 'RESSOURCE_INCONNUE', 'Ressource inconnue.'));
  app.use(handleError);
  return app;
}
