/**
 * The `/dossiers` routes: create and read files, the two write operations (address change,
 * closure) with idempotency, fault injection and journaling, and the journal itself.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Router, type Request, type Response } from 'express';
import { changerAdresse, cloturerDossier, ouvrirDossier } from './dossier-rules.ts';
import type { FaultInjector } from './faults.ts';
import { canonicalJson } from '../../core/canonical-json.ts';
import { decodeBody } from '../shared/http-body.ts';
import { sendErreur } from './http.ts';
import type { SocialServicesStore } from './store.ts';
import type { CodeErreur, Dossier, EntreeJournal, OperationEcriture } from './types.ts';
import type { Validator, Validators } from './validation.ts';

export interface DossierRoutesOptions {
  store: SocialServicesStore;
  faults: FaultInjector;
  validators: Validators;
}

interface WriteOperation<T> {
  operation: OperationEcriture;
  validate: Validator<T>;
  apply(dossier: Dossier, demande: T, now: string): Dossier;
}

function now(): string {
  return new Date().toISOString();
}

export function dossierRoutes({ store, faults, validators }: DossierRoutesOptions): Router {
  const router = Router();

  /**
   * One write request, in this order: fault (before anything is applied), readable body,
   * idempotency key, replay of a key already applied, schema, file known, file open, apply.
   * From the replay lookup to the commit nothing awaits, so two requests with one key can
   * never both apply. Every outcome is journaled.
   */
  async function handleWrite<T>(req: Request<{ numeroDossier: string }>, res: Response, op: WriteOperation<T>): Promise<void> {
    const recuLe = now();
    const numeroDossier = req.params.numeroDossier;
    const decoded = decodeBody(req);
    const header = req.get('Idempotency-Key');
    const idempotencyKey = header === undefined || header === '' ? null : header;
    const entree = (statutHttp: number, extra: Partial<EntreeJournal> = {}): EntreeJournal => ({
      operation: op.operation,
      idempotencyKey,
      body: decoded.body,
      recuLe,
      statutHttp,
      rejoue: false,
      ...extra,
    });
    let panneSubie: EntreeJournal['panne'];
    const refuse = async (statut: number, code: CodeErreur, message: string): Promise<void> => {
      await store.appendJournal(numeroDossier, entree(statut, { codeErreur: code, ...(panneSubie ? { panne: panneSubie } : {}) }));
      sendErreur(res, statut, code, message);
    };

    const panne = faults.take();
    if (panne !== undefined) {
      panneSubie = panne.mode;
      if (panne.mode === 'lenteur') await delay(panne.delaiMs);
      else return refuse(panne.statut, panne.mode === 'erreur' ? 'ERREUR_SIMULEE' : 'REFUS_SIMULE', panne.message);
    }
    if (!decoded.lisible) return refuse(400, 'CORPS_ILLISIBLE', "Le corps de la requête n'est pas du JSON.");
    if (idempotencyKey === null) return refuse(400, 'CLE_IDEMPOTENCE_MANQUANTE', "L'en-tête Idempotency-Key est obligatoire.");

    const scope = { operation: op.operation, numeroDossier, idempotencyKey };
    const empreinte = canonicalJson(decoded.body);
    const enregistree = store.findReponse(scope);
    if (enregistree !== undefined) {
      if (enregistree.empreinte !== empreinte) {
        return refuse(422, 'CLE_IDEMPOTENCE_REUTILISEE', 'Cette clé d’idempotence a déjà servi avec un autre corps.');
      }
      await store.appendJournal(
        numeroDossier,
        entree(enregistree.statutHttp, { rejoue: true, ...(panneSubie ? { panne: panneSubie } : {}) }),
      );
      res.status(enregistree.statutHttp).json(enregistree.corps);
      return;
    }

    const validation = op.validate(decoded.body);
    if (!validation.ok) return refuse(422, 'REQUETE_INVALIDE', validation.message);
    const dossier = store.getDossier(numeroDossier);
    if (dossier === undefined) return refuse(404, 'DOSSIER_INCONNU', `Aucun dossier ${numeroDossier}.`);
    if (dossier.statut === 'clos') return refuse(409, 'DOSSIER_CLOS', `Le dossier ${numeroDossier} est clos.`);

    const modifie = op.apply(dossier, validation.value, now());
    await store.commitEcriture({
      dossier: modifie,
      scope,
      reponse: { empreinte, statutHttp: 200, corps: modifie },
      entree: entree(200, panneSubie ? { panne: panneSubie } : {}),
    });
    res.status(200).json(modifie);
  }

  router.post('/', async (req, res) => {
    const decoded = decodeBody(req);
    if (!decoded.lisible) return sendErreur(res, 400, 'CORPS_ILLISIBLE', "Le corps de la requête n'est pas du JSON.");
    const validation = validators.nouveauDossier(decoded.body);
    if (!validation.ok) return sendErreur(res, 422, 'REQUETE_INVALIDE', validation.message);
    const dossier = ouvrirDossier(validation.value, now());
    if (!(await store.createDossier(dossier))) {
      return sendErreur(res, 409, 'DOSSIER_EXISTANT', `Le dossier ${dossier.numeroDossier} existe déjà.`);
    }
    res
      .status(201)
      .location(`${req.baseUrl}/${encodeURIComponent(dossier.numeroDossier)}`)
      .json(dossier);
  });

  router.get('/', (req, res) => {
    const apres = typeof req.query['apres'] === 'string' ? req.query['apres'] : null;
    const limiteTexte = typeof req.query['limite'] === 'string' ? req.query['limite'] : '100';
    const limite = /^[0-9]{1,3}$/.test(limiteTexte) ? Number(limiteTexte) : NaN;
    if (!(limite >= 1 && limite <= 500)) return sendErreur(res, 422, 'REQUETE_INVALIDE', 'limite : un entier de 1 à 500.');
    if (apres !== null && !/^SS-[0-9]{6}$/.test(apres)) return sendErreur(res, 422, 'REQUETE_INVALIDE', 'apres : un numéro de dossier.');
    const dossiers = store.listDossiers(apres, limite);
    // A full page may have a successor; the client asks again from its last number.
    res.json(dossiers.length === limite ? { dossiers, suivant: dossiers.at(-1)!.numeroDossier } : { dossiers });
  });

  router.get('/:numeroDossier', (req, res) => {
    const dossier = store.getDossier(req.params.numeroDossier);
    if (dossier === undefined) return sendErreur(res, 404, 'DOSSIER_INCONNU', `Aucun dossier ${req.params.numeroDossier}.`);
    res.json(dossier);
  });

  router.put('/:numeroDossier/adresse', (req, res) =>
    handleWrite(req, res, { operation: 'changerAdresse', validate: validators.changementAdresse, apply: changerAdresse }),
  );

  router.post('/:numeroDossier/cloture', (req, res) =>
    handleWrite(req, res, { operation: 'cloturerDossier', validate: validators.demandeCloture, apply: cloturerDossier }),
  );

  router.get('/:numeroDossier/journal', (req, res) => {
    const { numeroDossier } = req.params;
    if (!store.hasDossier(numeroDossier) && !store.hasJournal(numeroDossier)) {
      return sendErreur(res, 404, 'DOSSIER_INCONNU', `Aucun dossier ${numeroDossier}.`);
    }
    res.json(store.listJournal(numeroDossier));
  });

  return router;
}
