/**
 * The billing software's API: families (create, read, journal) and the writes made in a
 * person's name (address, declared household, death), with idempotency, faults and journal.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Router, type Request, type Response } from 'express';
import { canonicalJson } from '../../core/canonical-json.ts';
import { decodeBody } from '../shared/http-body.ts';
import type { BodyValidator } from '../shared/openapi-validation.ts';
import type { Pannes } from './faults.ts';
import { changerAdresse, creerFamille, declarerDeces, declarerFoyer } from './rules.ts';
import { cleReponse, type SchoolCateringStore } from './store.ts';
import type {
  ChangementAdresse,
  CodeErreur,
  CompositionFoyer,
  DeclarationDeces,
  EntreeJournal,
  Erreur,
  Famille,
  NouvelleFamille,
  Operation,
} from './types.ts';

export interface Validators {
  nouvelleFamille: BodyValidator<NouvelleFamille>;
  changementAdresse: BodyValidator<ChangementAdresse>;
  compositionFoyer: BodyValidator<CompositionFoyer>;
  declarationDeces: BodyValidator<DeclarationDeces>;
}

export function sendErreur(res: Response, statut: number, code: CodeErreur, libelle: string): void {
  const erreur: Erreur = { code, libelle };
  res.status(statut).json(erreur);
}

interface Ecriture<T> {
  operation: Operation;
  validate: BodyValidator<T>;
  apply(famille: Famille, numeroPersonne: string, demande: T, now: string): Famille;
}

export function familleRoutes(store: SchoolCateringStore, validators: Validators): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    const decoded = decodeBody(req);
    const checked = decoded.lisible
      ? validators.nouvelleFamille(decoded.body)
      : { ok: false as const, message: "le corps n'est pas du JSON" };
    if (!checked.ok) return sendErreur(res, 422, 'REQUETE_INVALIDE', checked.message);
    const famille = creerFamille(checked.value, new Date().toISOString());
    if (!(await store.creer(famille)))
      return sendErreur(res, 409, 'FAMILLE_EXISTANTE', 'Ce numéro de famille ou de personne est déjà pris.');
    res.status(201).json(famille);
  });
  router.get('/:numeroFamille', (req, res) => {
    const famille = store.famille(req.params.numeroFamille);
    if (!famille) return sendErreur(res, 404, 'FAMILLE_INCONNUE', 'Famille inconnue.');
    res.json(famille);
  });
  router.get('/:numeroFamille/journal', (req, res) => {
    if (!store.famille(req.params.numeroFamille)) return sendErreur(res, 404, 'FAMILLE_INCONNUE', 'Famille inconnue.');
    res.json(store.journal(req.params.numeroFamille));
  });
  return router;
}

export function personneRoutes(store: SchoolCateringStore, validators: Validators, pannes: Pannes): Router {
  const router = Router();

  /**
   * One write, in this order: fault, readable body, key, replay of a key already applied,
   * schema, person known, person alive, apply. Nothing awaits between the replay lookup and
   * the commit, so two requests with one key never both apply. Every outcome is journaled
   * under the person's family (when there is one).
   */
  async function ecrire<T>(req: Request<{ numeroPersonne: string }>, res: Response, op: Ecriture<T>): Promise<void> {
    const recuLe = new Date().toISOString();
    const { numeroPersonne } = req.params;
    const decoded = decodeBody(req);
    const cleIdempotence = req.get('Idempotency-Key') || null;
    const entree = (statutHttp: number, extra: Partial<EntreeJournal> = {}): EntreeJournal => ({
      operation: op.operation,
      numeroPersonne,
      cleIdempotence,
      corps: decoded.body,
      recuLe,
      statutHttp,
      rejoue: false,
      ...extra,
    });
    const famille = store.familleDe(numeroPersonne);
    const refuser = async (statut: number, code: CodeErreur, libelle: string): Promise<void> => {
      await store.enregistrer(famille?.numeroFamille, entree(statut, { codeErreur: code }));
      sendErreur(res, statut, code, libelle);
    };

    const panne = pannes.tirer();
    if (panne?.mode === 'lenteur') await delay(panne.delaiMs);
    else if (panne) return refuser(panne.statut, panne.mode === 'erreur' ? 'PANNE_SIMULEE' : 'REFUS_SIMULE', 'Panne simulée.');
    if (!decoded.lisible) return refuser(400, 'CORPS_ILLISIBLE', "Le corps n'est pas du JSON.");
    if (cleIdempotence === null) return refuser(400, 'CLE_IDEMPOTENCE_MANQUANTE', "L'en-tête Idempotency-Key est obligatoire.");
    const cle = cleReponse(op.operation, numeroPersonne, cleIdempotence);
    const empreinte = canonicalJson(decoded.body);
    const gardee = store.reponse(cle);
    if (gardee) {
      if (gardee.empreinte !== empreinte) return refuser(422, 'CLE_IDEMPOTENCE_REUTILISEE', 'Clé déjà utilisée avec un autre corps.');
      await store.enregistrer(gardee.famille.numeroFamille, entree(200, { rejoue: true }));
      res.json(gardee.famille);
      return;
    }
    const checked = op.validate(decoded.body);
    if (!checked.ok) return refuser(422, 'REQUETE_INVALIDE', checked.message);
    // The person's number is not quoted back: a refusal may end up in logs.
    if (!famille) return refuser(404, 'PERSONNE_INCONNUE', 'Aucune famille ne compte cette personne.');
    if (famille.membres.find((m) => m.numeroPersonne === numeroPersonne)?.dateDeces !== undefined) {
      return refuser(409, 'PERSONNE_DECEDEE', 'La personne est enregistrée comme décédée.');
    }
    const modifiee = op.apply(famille, numeroPersonne, checked.value, recuLe);
    await store.enregistrer(famille.numeroFamille, entree(200), { famille: modifiee, cle, empreinte });
    res.json(modifiee);
  }

  router.put('/:numeroPersonne/adresse', (req, res) =>
    ecrire(req, res, { operation: 'changerAdresse', validate: validators.changementAdresse, apply: changerAdresse }),
  );
  router.put('/:numeroPersonne/foyer', (req, res) =>
    ecrire(req, res, { operation: 'declarerFoyer', validate: validators.compositionFoyer, apply: declarerFoyer }),
  );
  router.post('/:numeroPersonne/deces', (req, res) =>
    ecrire(req, res, { operation: 'declarerDeces', validate: validators.declarationDeces, apply: declarerDeces }),
  );
  return router;
}
