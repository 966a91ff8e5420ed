/** The `/_admin/pannes` routes (no authentication): configure, read and clear the injected fault. */
import { Router } from 'express';
import { ConfigurationPanneInvalide, type ConfigurationPanne, type FaultInjector } from './faults.ts';
import { decodeBody } from '../shared/http-body.ts';
import { sendErreur } from './http.ts';
import type { Validator } from './validation.ts';

export function faultRoutes(faults: FaultInjector, validate: Validator<ConfigurationPanne>): Router {
  const router = Router();

  router.get('/', (_req, res) => {
    res.json(faults.etat());
  });

  router.put('/', (req, res) => {
    const decoded = decodeBody(req);
    if (!decoded.lisible) return sendErreur(res, 400, 'CORPS_ILLISIBLE', "Le corps de la requête n'est pas du JSON.");
    const validation = validate(decoded.body);
    if (!validation.ok) return sendErreur(res, 422, 'REQUETE_INVALIDE', validation.message);
    try {
      res.json(faults.configure(validation.value));
    } catch (error) {
      if (error instanceof ConfigurationPanneInvalide) return sendErreur(res, 422, 'REQUETE_INVALIDE', error.message);
      throw error;
    }
  });

  router.delete('/', (_req, res) => {
    res.json(faults.clear());
  });

  return router;
}
