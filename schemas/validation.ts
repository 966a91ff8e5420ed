/**
 * One way to build JSON Schema 2020-12 validators (ajv, strict mode, formats, Relais'
 * keywords) and one shape for what they report: the failing field as a JSON pointer into the
 * checked document, and a message a caller can act on.
 */
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats ships CommonJS with a default export that Node's ESM loader wraps once more.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export interface ValidationIssue {
  /** JSON pointer to the failing field, e.g. `/data/address/postcode`. */
  field: string;
  message: string;
}

export const piiLevels = ['none', 'identity', 'contact', 'location', 'sensitive'] as const;
export type PiiLevel = (typeof piiLevels)[number];

export function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  // Personal-data label of a field (see docs/events.md); annotation only for validation.
  ajv.addKeyword({ keyword: 'x-relais-pii', schemaType: 'string', metaSchema: { enum: [...piiLevels] } });
  return ajv;
}

function pointerEscape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Turns ajv errors into issues; `prefix` is where the validated document sits in the request. */
export function toIssues(errors: ErrorObject[] | null | undefined, prefix = ''): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors ?? []) {
    let field = `${prefix}${error.instancePath}`;
    let message = error.message ?? 'is invalid';
    const params = error.params as Record<string, unknown>;
    if (error.keyword === 'required' && typeof params['missingProperty'] === 'string') {
      field = `${field}/${pointerEscape(params['missingProperty'])}`;
      message = 'is required';
    } else if (error.keyword === 'additionalProperties' && typeof params['additionalProperty'] === 'string') {
      field = `${field}/${pointerEscape(params['additionalProperty'])}`;
      message = 'is not allowed here';
    } else if (error.keyword === 'enum' && Array.isArray(params['allowedValues'])) {
      message = `must be one of ${params['allowedValues'].map((v) => JSON.stringify(v)).join(', ')}`;
    }
    const keyOf = `${field}\u0000${message}`;
    if (seen.has(keyOf)) continue;
    seen.add(keyOf);
    issues.push({ field: field === '' ? '/' : field, message });
  }
  return issues;
}
