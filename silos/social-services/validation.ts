/**
 * Request body validation against the component schemas of openapi.yaml (the simulators' one
 * Ajv set-up, silos/shared/openapi-validation.ts). The schemas live only in openapi.yaml.
 */
import { componentValidators, type BodyValidator } from '../shared/openapi-validation.ts';
import type { ConfigurationPanne } from './faults.ts';
import type { ChangementAdresse, ChangementFoyer, DemandeCloture, NouveauDossier } from './types.ts';

export const OPENAPI_URL = new URL('./openapi.yaml', import.meta.url);

export type Validator<T> = BodyValidator<T>;

export interface Validators {
  nouveauDossier: Validator<NouveauDossier>;
  changementAdresse: Validator<ChangementAdresse>;
  demandeCloture: Validator<DemandeCloture>;
  changementFoyer: Validator<ChangementFoyer>;
  configurationPanne: Validator<ConfigurationPanne>;
}

/** One validator per request body schema of the OpenAPI document. */
export function loadValidators(url: URL = OPENAPI_URL): Validators {
  const validator = componentValidators(url);
  return {
    nouveauDossier: validator<NouveauDossier>('NouveauDossier'),
    changementAdresse: validator<ChangementAdresse>('ChangementAdresse'),
    demandeCloture: validator<DemandeCloture>('DemandeCloture'),
    changementFoyer: validator<ChangementFoyer>('ChangementFoyer'),
    configurationPanne: validator<ConfigurationPanne>('ConfigurationPanne'),
  };
}
