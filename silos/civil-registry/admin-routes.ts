/**
 * The simulator's admin HTTP API (JSON), for demos and tests — not the connector's path, which
 * is SOAP only: record a life event as the town hall's desk would, add a person known before the
 * event log began, read a person, configure faults. No authentication: bind the simulator to a
 * private interface. Errors are { code, message }.
 */
import express, { type ErrorRequestHandler, type Express } from 'express';
import { ConfigurationPanneInvalide, type ConfigurationPanne, type FaultInjector } from './faults.ts';
import { RegistreErreur, type Registre } from './registry.ts';
import type { NouvelEvenement, Personne } from './types.ts';

const statusOf = { requete: 400, introuvable: 404, conflit: 409 } as const;

export function createAdminApp(registre: Registre, faults: FaultInjector): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '64kb' }));

  app.get('/healthz', (_req, res) => {
    res.json({ statut: 'ok' });
  });

  app.post('/_admin/evenements', async (req, res) => {
    res.status(201).json(await registre.enregistrerEvenement(req.body as NouvelEvenement));
  });

  app.post('/_admin/personnes', async (req, res) => {
    res.status(201).json(await registre.ajouterPersonne(req.body as Omit<Personne, 'identifiant'> & { identifiant?: string }));
  });

  app.get('/_admin/personnes/:identifiant', (req, res) => {
    res.json(registre.obtenir(req.params.identifiant));
  });

  app.get('/_admin/pannes', (_req, res) => {
    res.json(faults.etat());
  });

  app.put('/_admin/pannes', (req, res) => {
    res.json(faults.configure(req.body as ConfigurationPanne));
  });

  app.delete('/_admin/pannes', (_req, res) => {
    res.json(faults.configure({ mode: 'aucune' }));
  });

  app.use((_req, res) => {
    res.status(404).json({ code: 'ROUTE_INCONNUE', message: 'route inconnue' });
  });

  const errors: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    if (error instanceof RegistreErreur) return void res.status(statusOf[error.gravite]).json({ code: error.code, message: error.message });
    if (error instanceof ConfigurationPanneInvalide) return void res.status(400).json({ code: 'PANNE_INVALIDE', message: error.message });
    if ((error as { type?: string }).type === 'entity.parse.failed')
      return void res.status(400).json({ code: 'CORPS_ILLISIBLE', message: 'JSON attendu' });
    res.status(500).json({ code: 'ERREUR_INTERNE', message: 'erreur interne' });
  };
  app.use(errors);
  return app;
}
