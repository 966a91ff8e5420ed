/**
 * The register's SOAP operations (registre.wsdl) for the `soap` package's server: each checks the
 * WS-Security UsernameToken, suffers the configured fault if any, runs, and turns a refusal into a
 * SOAP 1.1 fault: faultcode soap:Client (bad request, authentication) or soap:Server (failure),
 * with <detail><erreur><code/><message/></erreur></detail> in the register's namespace.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { PanneTiree } from './faults.ts';
import { exigerLieu, RegistreErreur, type Registre } from './registry.ts';
import type { Acte, Concordance, Evenement, Lieu, Personne } from './types.ts';

export const NAMESPACE = 'urn:fr:etat-civil:registre:v1';

export interface Credentials {
  username: string;
  password: string;
}

/** What the soap package's server turns into a SOAP fault: an error carrying a `Fault`. */
class SoapFault extends Error {
  readonly Fault: {
    faultcode: string;
    faultstring: string;
    detail: { 'ec:erreur': { 'ec:code': string; 'ec:message': string } };
    statusCode: number;
  };

  constructor(kind: 'Client' | 'Server', code: string, message: string) {
    super(message);
    // WS-I Basic Profile: every SOAP 1.1 fault travels with HTTP 500.
    this.Fault = {
      faultcode: `soap:${kind}`,
      faultstring: message,
      detail: { 'ec:erreur': { 'ec:code': code, 'ec:message': message } },
      statusCode: 500,
    };
  }
}

const soapFault = (kind: 'Client' | 'Server', code: string, message: string): SoapFault => new SoapFault(kind, code, message);

type Text = string | { $value?: string };
const textOf = (value: Text | undefined): string | undefined => (typeof value === 'string' ? value : value?.$value);

interface UsernameToken {
  Username?: Text;
  Password?: Text & { attributes?: { Type?: string } };
  Nonce?: Text;
  Created?: Text;
}

const sameText = (a: string, b: string): boolean => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

const FRESHNESS_MS = 5 * 60_000;

/** Checks a UsernameToken (PasswordText, or PasswordDigest with a fresh Created and an unseen Nonce). */
export class UsernameTokenCheck {
  readonly #seenNonces = new Map<string, number>();

  private readonly credentials: Credentials;

  constructor(credentials: Credentials) {
    this.credentials = credentials;
  }

  verify(headers: unknown): boolean {
    const token = (headers as { Security?: { UsernameToken?: UsernameToken } } | undefined)?.Security?.UsernameToken;
    const username = textOf(token?.Username);
    const password = textOf(token?.Password);
    if (!token || username === undefined || password === undefined || !sameText(username, this.credentials.username)) return false;
    const type = typeof token.Password === 'object' ? (token.Password.attributes?.Type ?? '') : '';
    if (!type.endsWith('#PasswordDigest')) return sameText(password, this.credentials.password);
    const nonce = textOf(token.Nonce) ?? '';
    const created = textOf(token.Created) ?? '';
    const at = Date.parse(created);
    if (nonce === '' || Number.isNaN(at) || Math.abs(Date.now() - at) > FRESHNESS_MS) return false;
    const expected = createHash('sha1')
      .update(Buffer.from(nonce, 'base64'))
      .update(created)
      .update(this.credentials.password)
      .digest('base64');
    if (!sameText(password, expected)) return false;
    this.#forgetOldNonces();
    if (this.#seenNonces.has(nonce)) return false;
    this.#seenNonces.set(nonce, Date.now());
    return true;
  }

  #forgetOldNonces(): void {
    const horizon = Date.now() - 2 * FRESHNESS_MS;
    for (const [nonce, at] of this.#seenNonces) if (at < horizon) this.#seenNonces.delete(nonce);
  }
}

/** SOAP has no null: optional elements are left out rather than sent empty. */
function withoutEmpty<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== '')) as T;
}

const lieuXml = (lieu: Lieu): Lieu => withoutEmpty({ commune: lieu.commune, codeInsee: lieu.codeInsee, codePays: lieu.codePays });

export function personneXml(p: Personne): Personne {
  return withoutEmpty({
    identifiant: p.identifiant,
    nomNaissance: p.nomNaissance,
    nomUsage: p.nomUsage,
    prenoms: p.prenoms,
    sexe: p.sexe,
    dateNaissance: p.dateNaissance,
    lieuNaissance: lieuXml(p.lieuNaissance),
    dateDeces: p.dateDeces,
  });
}

function evenementXml(e: Evenement): Evenement {
  return withoutEmpty({
    numero: e.numero,
    type: e.type,
    numeroActe: e.numeroActe,
    dateEnregistrement: e.dateEnregistrement,
    dateEvenement: e.dateEvenement,
    lieu: lieuXml(e.lieu),
    personne: e.personne,
    partenaire: e.partenaire,
    naissance: e.naissance,
    changementNom: e.changementNom && withoutEmpty(e.changementNom),
    motifDissolution: e.motifDissolution,
  });
}

const acteXml = (a: Acte): Acte =>
  withoutEmpty({ numeroActe: a.numeroActe, type: a.type, personne: a.personne, partenaire: a.partenaire, dateEvenement: a.dateEvenement });

const concordanceXml = (c: Concordance) => ({ identifiant: c.identifiant, personne: personneXml(c.personne), critere: c.critere });

/** The soap package hands xs:date values over as Date objects (UTC midnight); the register keeps YYYY-MM-DD. */
function dateArg(value: unknown): string {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString().slice(0, 10) : textArg(value);
}

const textArg = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');

function integerOrUndefined(value: unknown, champ: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new RegistreErreur('TAILLE_INVALIDE', `${champ} : un entier est attendu`);
  return n;
}

export interface ServiceDeps {
  registre: Registre;
  /** The fault the HTTP layer drew for this request (once per request, on arrival). */
  faultOf: (req: unknown) => PanneTiree | undefined;
  auth: UsernameTokenCheck;
}

type Args = Record<string, unknown> | undefined;

/** Wraps an operation: authentication, injected fault, then the operation; refusals become faults. */
function operation(
  deps: ServiceDeps,
  run: (args: Args) => object,
): (args: Args, callback: unknown, headers: unknown, req: unknown) => Promise<object> {
  return async (args, _callback, headers, req) => {
    if (!deps.auth.verify(headers))
      throw soapFault('Client', 'AUTHENTIFICATION_REFUSEE', 'jeton WS-Security UsernameToken absent ou invalide');
    const fault = deps.faultOf(req);
    if (fault?.mode === 'lenteur') await delay(fault.delaiMs);
    if (fault?.mode === 'erreur') throw soapFault('Server', 'ERREUR_SIMULEE', fault.message);
    try {
      return run(args);
    } catch (error) {
      if (error instanceof RegistreErreur) throw soapFault('Client', error.code, error.message);
      throw soapFault('Server', 'ERREUR_INTERNE', 'erreur interne du registre');
    }
  };
}

export function registryServices(deps: ServiceDeps) {
  const { registre } = deps;
  return {
    RegistreEtatCivil: {
      RegistreEtatCivilPort: {
        ListerEvenements: operation(deps, (args) => {
          const page = registre.listerEvenements(args?.['curseur'] as string | undefined, integerOrUndefined(args?.['taille'], 'taille'));
          return { evenement: page.evenements.map(evenementXml), curseurSuivant: page.curseurSuivant, encore: page.encore };
        }),
        RechercherPersonne: operation(deps, (args) => {
          const lieu = args?.['lieuNaissance'];
          const resultats = registre.rechercher({
            nomNaissance: textArg(args?.['nomNaissance']),
            prenoms: textArg(args?.['prenoms']),
            dateNaissance: dateArg(args?.['dateNaissance']),
            lieuNaissance: lieu === undefined ? undefined : exigerLieu(lieu, 'lieuNaissance'),
          });
          return { resultat: resultats.map(concordanceXml) };
        }),
        ObtenirPersonne: operation(deps, (args) => ({ personne: personneXml(registre.obtenir(textArg(args?.['identifiant']))) })),
        ObtenirActe: operation(deps, (args) => ({ acte: acteXml(registre.obtenirActe(textArg(args?.['numeroActe']))) })),
      },
    },
  };
}
