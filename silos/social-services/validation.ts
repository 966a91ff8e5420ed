/**
 * Request body validation against the component schemas of openapi.yaml, with ajv (JSON Schema
 * 2020-12, the dialect of OpenAPI 3.1). The schemas live only in openapi.yaml.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import type { ConfigurationPanne } from './faults.ts';
import type { ChangementAdresse, ChangementFoyer, DemandeCloture, NouveauDossier } from './types.ts';

// ajv-formats ships CommonJS with a default export that Node's ESM loader wraps once more.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export const OPENAPI_URL = new URL('./openapi.yaml', import.meta.url);

/** Base URI under which the OpenAPI document is registered, so its `#/components/...` refs resolve. */
const DOCUMENT_ID = 'https://relais.invalid/silos/social-services/openapi.yaml';

export type Validation<T> = { ok: true; value: T } | { ok: false; message: string };
export type Validator<T> = (body: unknown) => Validation<T>;

export interface Validators {
  nouveauDossier: Validator<NouveauDossier>;
  changementAdresse: Validator<ChangementAdresse>;
  demandeCloture: Validator<DemandeCloture>;
  changementFoyer: Validator<ChangementFoyer>;
  configurationPanne: Validator<ConfigurationPanne>;
}

function describe(errors: ErrorObject[] | null | undefined): string {
  if (!errors || errors.length === 0) return 'corps invalide';
  return errors
    .map((error) => {
      const where = error.instancePath === '' ? 'corps' : error.instancePath;
      if (error.keyword === 'additionalProperties') {
        return `${where}: propriété non autorisée « ${String(error.params['additionalProperty'])} »`;
      }
      return `${where}: ${error.message ?? error.keyword}`;
    })
    .join('; ');
}

function readComponentSchemas(url: URL): Record<string, unknown> {
  const document: unknown = parse(readFileSync(url, 'utf8'));
  if (typeof document !== 'object' || document === null) throw new Error(`${url.pathname}: not an OpenAPI document`);
  const components = (document as Record<string, unknown>)['components'];
  if (typeof components !== 'object' || components === null) throw new Error(`${url.pathname}: no components`);
  const schemas = (components as Record<string, unknown>)['schemas'];
  if (typeof schemas !== 'object' || schemas === null) throw new Error(`${url.pathname}: no components.schemas`);
  return schemas as Record<string, unknown>;
}

/** Compiles one validator per request body schema of the OpenAPI document. */
export function loadValidators(url: URL = OPENAPI_URL): Validators {
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addKeyword('components');
  ajv.addSchema({ $id: DOCUMENT_ID, components: { schemas: readComponentSchemas(url) } });

  function validator<T>(name: string): Validator<T> {
    const validate = ajv.getSchema(`${DOCUMENT_ID}#/components/schemas/${name}`) as ValidateFunction<T> | undefined;
    if (validate === undefined) throw new Error(`openapi.yaml: no schema components/schemas/${name}`);
    return (body) => (validate(body) ? { ok: true, value: body } : { ok: false, message: describe(validate.errors) });
  }

  return {
    nouveauDossier: validator<NouveauDossier>('NouveauDossier'),
    changementAdresse: validator<ChangementAdresse>('ChangementAdresse'),
    demandeCloture: validator<DemandeCloture>('DemandeCloture'),
    changementFoyer: validator<ChangementFoyer>('ChangementFoyer'),
    configurationPanne: validator<ConfigurationPanne>('ConfigurationPanne'),
  };
}
