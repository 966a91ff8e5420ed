/**
 * The thin typed client over the register's SOAP service (the `soap` package). Its types are
 * written here from the WSDL's XSD (registre.wsdl, served at <url>?wsdl) and checked against the
 * live service by client.test.ts (the field lists below must equal what the WSDL declares).
 *
 * Every byte the register sends — the WSDL and each response — passes the XML guard
 * (protocols/xml/safe-xml.ts) in an axios interceptor, before the soap package parses or even trims
 * it: a DOCTYPE, entity declarations, excessive depth or size, or malformed XML is a
 * non-retriable XML_UNSAFE error. No raw library error leaves this file:
 *   soap:Client fault → SILO_REFUSED (not retriable), except AUTHENTIFICATION_REFUSEE, which is
 *     Relais' configuration, not the register refusing: retriable, like an outage;
 *   soap:Server fault, HTTP failure, timeout, network error → RetryableError.
 * Messages carry the fault code and the action, never the register's text or any personal data.
 */
import axios, { type AxiosResponse } from 'axios';
import soap from 'soap';
import { RelaisError, RetryableError } from '@relais/connector-kit';
import { assertSafeXml, UnsafeXmlError, type XmlLimits } from '../../protocols/xml/safe-xml.ts';

export interface Lieu {
  commune: string;
  codeInsee?: string;
  codePays: string;
}

export interface Personne {
  identifiant: string;
  nomNaissance: string;
  nomUsage?: string;
  prenoms: string;
  sexe: 'M' | 'F';
  dateNaissance: string;
  lieuNaissance: Lieu;
  dateDeces?: string;
}

export const typesEvenement = ['NAISSANCE', 'DECES', 'MARIAGE', 'PACS', 'DISSOLUTION_PACS', 'CHANGEMENT_NOM'] as const;
export type TypeEvenement = (typeof typesEvenement)[number];
export const motifsDissolution = ['DECLARATION_CONJOINTE', 'DECLARATION_UNILATERALE', 'MARIAGE', 'DECES'] as const;
export type MotifDissolution = (typeof motifsDissolution)[number];

export interface Evenement {
  numero: number;
  type: TypeEvenement;
  numeroActe: string;
  dateEnregistrement: string;
  dateEvenement: string;
  lieu: Lieu;
  personne: string;
  partenaire?: string;
  naissance?: { nomNaissance: string; prenoms: string; sexe: 'M' | 'F' };
  changementNom?: { ancienNom: string; nouveauNom: string; nouveauxPrenoms?: string };
  motifDissolution?: MotifDissolution;
}

/** An act read by its number (ObtenirActe). */
export interface Acte {
  numeroActe: string;
  type: TypeEvenement;
  personne: string;
  partenaire?: string;
  dateEvenement: string;
}

export interface PageEvenements {
  evenements: Evenement[];
  curseurSuivant: string;
  encore: boolean;
}

export interface CriteresRecherche {
  nomNaissance: string;
  prenoms: string;
  dateNaissance: string;
  lieuNaissance?: Lieu;
}

export interface Concordance {
  identifiant: string;
  personne: Personne;
  critere: string[];
}

/** The XSD's element names per type, for the check against the live WSDL (client.test.ts). */
export const wsdlFields = {
  Lieu: ['commune', 'codeInsee', 'codePays'],
  Personne: ['identifiant', 'nomNaissance', 'nomUsage', 'prenoms', 'sexe', 'dateNaissance', 'lieuNaissance', 'dateDeces'],
  Evenement: [
    'numero',
    'type',
    'numeroActe',
    'dateEnregistrement',
    'dateEvenement',
    'lieu',
    'personne',
    'partenaire',
    'naissance',
    'changementNom',
    'motifDissolution',
  ],
  Concordance: ['identifiant', 'personne', 'critere'],
  Acte: ['numeroActe', 'type', 'personne', 'partenaire', 'dateEvenement'],
  ObtenirActe: ['numeroActe'],
  ListerEvenements: ['curseur', 'taille'],
  ListerEvenementsResponse: ['evenement', 'curseurSuivant', 'encore'],
  RechercherPersonne: ['nomNaissance', 'prenoms', 'dateNaissance', 'lieuNaissance'],
} as const satisfies {
  Lieu: readonly (keyof Lieu)[];
  Personne: readonly (keyof Personne)[];
  Evenement: readonly (keyof Evenement)[];
  Concordance: readonly (keyof Concordance)[];
  Acte: readonly (keyof Acte)[];
  ObtenirActe: readonly string[];
  ListerEvenements: readonly string[];
  ListerEvenementsResponse: readonly string[];
  RechercherPersonne: readonly (keyof CriteresRecherche)[];
};

export interface CivilRegistryClientOptions {
  /** The SOAP endpoint; the WSDL is read from `${url}?wsdl`. */
  url: string;
  username: string;
  password: string;
  timeoutMs: number;
  xmlLimits?: XmlLimits;
}

type Operation = 'ListerEvenements' | 'RechercherPersonne' | 'ObtenirPersonne' | 'ObtenirActe';
type SoapMethod = (args: object, options: object) => Promise<[unknown, ...unknown[]]>;

/** soap's parser turns xs:date into a Date at UTC midnight; the register means a calendar date. */
const calendarDate = (value: unknown): string => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10));
const list = <T>(value: T | T[] | undefined | null): T[] =>
  value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];

function toPersonne(raw: Personne): Personne {
  return { ...raw, dateNaissance: calendarDate(raw.dateNaissance), ...(raw.dateDeces ? { dateDeces: calendarDate(raw.dateDeces) } : {}) };
}

function toEvenement(raw: Evenement): Evenement {
  return {
    ...raw,
    numero: Number(raw.numero),
    dateEvenement: calendarDate(raw.dateEvenement),
    dateEnregistrement: new Date(raw.dateEnregistrement).toISOString(),
  };
}

interface FaultShape {
  root?: { Envelope?: { Body?: { Fault?: { faultcode?: string; detail?: { erreur?: { code?: string } } } } } };
  code?: string;
  name?: string;
}

/** The one place a library error becomes a Relais error. */
export function registryError(action: string, error: unknown): RelaisError {
  if (error instanceof RelaisError) return error;
  if (error instanceof UnsafeXmlError) return new RelaisError('XML_UNSAFE', `${action}: the civil registry's answer was ${error.message}`);
  const shaped = error as FaultShape;
  if (shaped.code === 'ERR_BAD_RESPONSE' && /maxContentLength/.test((error as Error).message)) {
    return new RelaisError('XML_UNSAFE', `${action}: the civil registry's answer was refused XML: above the size limit`);
  }
  const fault = shaped.root?.Envelope?.Body?.Fault;
  if (fault) {
    const code = fault.detail?.erreur?.code ?? 'INCONNU';
    if (fault.faultcode?.endsWith(':Client') && code !== 'AUTHENTIFICATION_REFUSEE') {
      return new RelaisError('SILO_REFUSED', `${action}: the civil registry refused (${code})`);
    }
    return new RetryableError(`${action}: the civil registry answered a fault (${code})`);
  }
  return new RetryableError(`${action}: civil registry unreachable (${shaped.code ?? shaped.name ?? 'error'})`);
}

/** A soap:Client fault with this code, as registryError() made it. */
const isRefusal = (error: unknown, code: string): boolean =>
  error instanceof RelaisError && error.code === 'SILO_REFUSED' && error.message.includes(`(${code})`);

export class CivilRegistryClient {
  #client: Promise<soap.Client> | undefined;
  readonly #limits: XmlLimits;

  private readonly options: CivilRegistryClientOptions;

  constructor(options: CivilRegistryClientOptions) {
    this.options = options;
    this.#limits = options.xmlLimits ?? { maxBytes: 4 * 1024 * 1024, maxDepth: 48 };
  }

  /** Reads the WSDL on first use (and again after a failure), so a register down at start is only a retry. */
  #connect(): Promise<soap.Client> {
    this.#client ??= (async () => {
      const http = axios.create({ timeout: this.options.timeoutMs, maxContentLength: this.#limits.maxBytes, maxRedirects: 0 });
      http.interceptors.response.use((response: AxiosResponse<unknown>) => {
        if (typeof response.data === 'string') assertSafeXml(response.data, this.#limits);
        else if (Buffer.isBuffer(response.data)) assertSafeXml(response.data.toString('utf8'), this.#limits);
        return response;
      });
      // soap types axios through its CommonJS declarations, this module through the ESM ones: same instance.
      const request = http as unknown as NonNullable<soap.IOptions['request']>;
      const client = await soap.createClientAsync(`${this.options.url}?wsdl`, { request, endpoint: this.options.url });
      client.setSecurity(
        new soap.WSSecurity(this.options.username, this.options.password, { passwordType: 'PasswordDigest', mustUnderstand: true }),
      );
      return client;
    })();
    this.#client.catch(() => (this.#client = undefined));
    return this.#client;
  }

  async #call<T>(operation: Operation, action: string, args: object, signal?: AbortSignal): Promise<T> {
    const limit = AbortSignal.timeout(this.options.timeoutMs);
    try {
      const client = await this.#connect();
      const method = (client as unknown as Record<string, SoapMethod>)[`${operation}Async`];
      if (!method) throw new RelaisError('CONNECTOR_FAILED', `${action}: the WSDL has no operation ${operation}`);
      const [result] = await method.call(client, args, { signal: signal ? AbortSignal.any([signal, limit]) : limit });
      return result as T;
    } catch (error) {
      throw registryError(action, error);
    }
  }

  async listEvents(cursor: string, size: number, signal?: AbortSignal): Promise<PageEvenements> {
    const page = await this.#call<{ evenement?: Evenement | Evenement[]; curseurSuivant: string; encore: boolean } | null>(
      'ListerEvenements',
      'listing life events',
      { curseur: cursor, taille: size },
      signal,
    );
    if (!page) throw new RetryableError('listing life events: the civil registry answered an empty response');
    return {
      evenements: list(page.evenement).map(toEvenement),
      curseurSuivant: String(page.curseurSuivant),
      encore: page.encore === true || String(page.encore) === 'true',
    };
  }

  async search(criteria: CriteresRecherche, signal?: AbortSignal): Promise<Concordance[]> {
    const found = await this.#call<{ resultat?: Concordance | Concordance[] } | null>(
      'RechercherPersonne',
      'searching a person',
      criteria,
      signal,
    );
    return list(found?.resultat).map((c) => ({ identifiant: c.identifiant, personne: toPersonne(c.personne), critere: list(c.critere) }));
  }

  /** The person, or undefined when the register has no one with this identifier. */
  async getPerson(identifier: string, signal?: AbortSignal): Promise<Personne | undefined> {
    try {
      const found = await this.#call<{ personne: Personne }>('ObtenirPersonne', 'reading a person', { identifiant: identifier }, signal);
      return toPersonne(found.personne);
    } catch (error) {
      if (isRefusal(error, 'PERSONNE_INCONNUE')) return undefined;
      throw error;
    }
  }

  /** The act recorded under this number, or undefined when the register has none. */
  async getAct(actReference: string, signal?: AbortSignal): Promise<Acte | undefined> {
    try {
      const found = await this.#call<{ acte: Acte }>('ObtenirActe', 'reading an act', { numeroActe: actReference }, signal);
      return { ...found.acte, dateEvenement: calendarDate(found.acte.dateEvenement) };
    } catch (error) {
      if (isRefusal(error, 'ACTE_INCONNU')) return undefined;
      throw error;
    }
  }
}
