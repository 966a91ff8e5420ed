/**
 * gateway/openapi.yaml is the source of truth of the HTTP API: it is served as /openapi.json,
 * its types are generated into generated/api.ts (npm run gen), and request bodies are
 * validated against its component schemas here — never against a copy.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { createAjv } from '../schemas/validation.ts';

export const openApiFile = join(dirname(fileURLToPath(import.meta.url)), 'openapi.yaml');

interface OpenApiDocument {
  components: { schemas: Record<string, unknown> };
  [key: string]: unknown;
}

let document: OpenApiDocument | undefined;

export function openApiDocument(): OpenApiDocument {
  document ??= parse(readFileSync(openApiFile, 'utf8')) as OpenApiDocument;
  return document;
}

/** Compiles one component schema (OpenAPI 3.1 schemas are JSON Schema 2020-12). */
export function componentValidator<T = unknown>(name: string): ValidateFunction<T> {
  // Component refs point into the OpenAPI document; re-root them under $defs for ajv.
  const defs = JSON.parse(JSON.stringify(openApiDocument().components.schemas).replaceAll('#/components/schemas/', '#/$defs/')) as Record<
    string,
    unknown
  >;
  const ajv = createAjv();
  ajv.addSchema({ $id: 'relais-gateway-api', $defs: defs });
  const validate = ajv.getSchema<T>(`relais-gateway-api#/$defs/${name}`);
  if (!validate) throw new Error(`no component schema ${name} in ${openApiFile}`);
  return validate;
}
