/**
 * The one Ajv set-up of the simulators: validators compiled from a simulator's OpenAPI 3.1
 * document (its components/schemas, JSON Schema 2020-12), so the schemas live in the document
 * only. Request bodies are checked with them; tests check responses with the same validators.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

// ajv-formats ships CommonJS with a default export that Node's ESM loader wraps once more.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };
export type BodyValidator<T> = (body: unknown) => Checked<T>;
/** A validator per component schema name of one document. */
export type ComponentValidators = <T>(name: string) => BodyValidator<T>;

/** Ajv's errors in the simulators' French, as their error bodies carry them. */
function explain(errors: ErrorObject[] | null | undefined): string {
  return (
    (errors ?? [])
      .map(
        (e) =>
          `${e.instancePath || 'corps'}: ${e.keyword === 'additionalProperties' ? `propriété non autorisée « ${String(e.params['additionalProperty'])} »` : (e.message ?? e.keyword)}`,
      )
      .join('; ') || 'corps invalide'
  );
}

function compile(url: URL): ComponentValidators {
  const document = parse(readFileSync(url, 'utf8')) as { components?: { schemas?: Record<string, unknown> } } | null;
  const schemas = document?.components?.schemas;
  if (!schemas) throw new Error(`${url.pathname}: no components.schemas`);
  // Registered under a base URI so the document's `#/components/...` references resolve.
  const id = `https://relais.invalid${url.pathname}`;
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addKeyword('components');
  ajv.addSchema({ $id: id, components: { schemas } });
  return <T>(name: string): BodyValidator<T> => {
    const validate = ajv.getSchema(`${id}#/components/schemas/${name}`) as ValidateFunction<T> | undefined;
    if (!validate) throw new Error(`${url.pathname}: no schema components/schemas/${name}`);
    return (body) => (validate(body) ? { ok: true, value: body } : { ok: false, message: explain(validate.errors) });
  };
}

// Compiling a document takes a few hundred milliseconds: once per document per process, however
// many times a simulator starts (the tests start dozens).
const compiled = new Map<string, ComponentValidators>();

/** The validators of the document at `url`, one per component schema name. */
export function componentValidators(url: URL): ComponentValidators {
  let validators = compiled.get(url.href);
  if (!validators) {
    validators = compile(url);
    compiled.set(url.href, validators);
  }
  return validators;
}
