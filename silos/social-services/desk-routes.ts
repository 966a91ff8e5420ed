/**
 * The desk (`/_guichet`): what the département's agents record themselves — a new address, the
 * household's composition. Not the connector's path (no idempotency key, no journal): each change
 * is applied to the file and notified by webhook to the subscriber, if one is configured.
 */
import { Router, type Request, type Response } from 'express';
import { changerAdresse, changerFoyer } from './dossier-rules.ts';
import { decodeBody } from '../shared/http-body.ts';
import { sendErreur } from './http.ts';
import type { SocialServicesStore } from './store.ts';
import type { Dossier, Notification } from './types.ts';
import type { Validator, Validators } from './validation.ts';
import type { WebhookSender } from './webhook.ts';

export function deskRoutes(store: SocialServicesStore, validators: Validators, webhook: WebhookSender | undefined): Router {
  const router = Router();

  function record<T>(
    validate: Validator<T>,
    apply: (dossier: Dossier, demande: T, now: string) => Dossier,
    notice: (after: Dossier, demande: T) => Omit<Notification, 'id' | 'survenuLe'>,
  ) {
    return async (req: Request<{ numeroDossier: string }>, res: Response): Promise<void> => {
      const decoded = decodeBody(req);
      if (!decoded.lisible) return sendErreur(res, 400, 'CORPS_ILLISIBLE', "Le corps de la requête n'est pas du JSON.");
      const valid = validate(decoded.body);
      if (!valid.ok) return sendErreur(res, 422, 'REQUETE_INVALIDE', valid.message);
      const dossier = store.getDossier(req.params.numeroDossier);
      if (!dossier) return sendErreur(res, 404, 'DOSSIER_INCONNU', 'Aucun dossier ne porte ce numéro.');
      if (dossier.statut === 'clos') return sendErreur(res, 409, 'DOSSIER_CLOS', 'Le dossier est clos.');
      const after = apply(dossier, valid.value, new Date().toISOString());
      await store.replaceDossier(after);
      webhook?.notify(notice(after, valid.value));
      res.json(after);
    };
  }

  router.post(
    '/dossiers/:numeroDossier/adresse',
    record(validators.changementAdresse, changerAdresse, (after, demande) => ({
      type: 'ADRESSE_MODIFIEE',
      numeroDossier: after.numeroDossier,
      dateEffet: demande.dateEffet,
      adresse: after.adresse,
    })),
  );
  router.post(
    '/dossiers/:numeroDossier/foyer',
    record(validators.changementFoyer, changerFoyer, (after, demande) => ({
      type: 'FOYER_MODIFIE',
      numeroDossier: after.numeroDossier,
      dateEffet: demande.dateEffet,
      foyer: demande.foyer,
    })),
  );
  return router;
}
