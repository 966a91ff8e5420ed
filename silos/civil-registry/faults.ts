/**
 * Fault injection for tests (PUT /_admin/pannes): each SOAP request draws the current fault once,
 * on arrival. `erreur` answers a soap:Server fault, `lenteur` answers after a delay, and
 * `reponse-hostile` answers a hostile XML document instead of the operation's response — to prove
 * that the connector refuses XXE, entity expansion, excessive depth or size before parsing.
 */
export type ModePanne = 'aucune' | 'erreur' | 'lenteur' | 'reponse-hostile';
export type ChargeHostile = 'xxe' | 'milliard-de-rires' | 'profondeur' | 'taille';

export interface ConfigurationPanne {
  mode: ModePanne;
  delaiMs?: number;
  message?: string;
  charge?: ChargeHostile;
  /** Requests still affected; absent, until cleared. */
  restant?: number;
}

export type PanneTiree =
  { mode: 'erreur'; message: string } | { mode: 'lenteur'; delaiMs: number } | { mode: 'reponse-hostile'; charge: ChargeHostile };

export class ConfigurationPanneInvalide extends Error {}

const modes: readonly ModePanne[] = ['aucune', 'erreur', 'lenteur', 'reponse-hostile'];
const charges: readonly ChargeHostile[] = ['xxe', 'milliard-de-rires', 'profondeur', 'taille'];

export class FaultInjector {
  #config: ConfigurationPanne = { mode: 'aucune' };
  #declenchements = 0;

  configure(config: ConfigurationPanne): ConfigurationPanne & { declenchements: number } {
    if (!modes.includes(config.mode)) throw new ConfigurationPanneInvalide(`mode : un de ${modes.join(', ')}`);
    if (config.mode === 'reponse-hostile' && !charges.includes(config.charge ?? 'xxe'))
      throw new ConfigurationPanneInvalide(`charge : une de ${charges.join(', ')}`);
    if (config.delaiMs !== undefined && (!Number.isInteger(config.delaiMs) || config.delaiMs < 0 || config.delaiMs > 600_000)) {
      throw new ConfigurationPanneInvalide('delaiMs : entier de 0 à 600000');
    }
    if (config.restant !== undefined && (!Number.isInteger(config.restant) || config.restant < 1))
      throw new ConfigurationPanneInvalide('restant : entier positif');
    this.#config = { ...config };
    this.#declenchements = 0;
    return this.etat();
  }

  etat(): ConfigurationPanne & { declenchements: number } {
    return { ...this.#config, declenchements: this.#declenchements };
  }

  /** Called once per SOAP request: the fault it suffers, if any, counted. */
  take(): PanneTiree | undefined {
    const config = this.#config;
    if (config.mode === 'aucune') return undefined;
    this.#declenchements++;
    if (config.restant !== undefined) {
      config.restant--;
      if (config.restant <= 0) this.#config = { mode: 'aucune' };
    }
    switch (config.mode) {
      case 'erreur':
        return { mode: 'erreur', message: config.message ?? 'registre indisponible (panne simulée)' };
      case 'lenteur':
        return { mode: 'lenteur', delaiMs: config.delaiMs ?? 10_000 };
      case 'reponse-hostile':
        return { mode: 'reponse-hostile', charge: config.charge ?? 'xxe' };
    }
  }
}

const soapEnvelope = (body: string) =>
  `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>${body}</soap:Body></soap:Envelope>`;

/** The hostile documents the simulator can answer with. */
export function hostilePayload(charge: ChargeHostile): string {
  switch (charge) {
    case 'xxe':
      return `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY secret SYSTEM "file:///etc/passwd">]>${soapEnvelope('<r xmlns="urn:fr:etat-civil:registre:v1">&secret;</r>')}`;
    case 'milliard-de-rires': {
      const entities = [
        '<!ENTITY lol "lol">',
        ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`),
      ];
      return `<?xml version="1.0"?><!DOCTYPE lolz [${entities.join('')}]>${soapEnvelope('<lolz>&lol9;</lolz>')}`;
    }
    case 'profondeur':
      return soapEnvelope(`${'<p>'.repeat(5000)}${'</p>'.repeat(5000)}`);
    case 'taille':
      return soapEnvelope(`<r>${'x'.repeat(20 * 1024 * 1024)}</r>`);
  }
}
