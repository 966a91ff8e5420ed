/**
 * Personal-data labels. Every property of every schema under schemas/ carries
 * `x-relais-pii` (identity | contact | location | sensitive | none): what kind of personal
 * data the field holds. Logs redact by label and flows must name a labelled field to deliver
 * it (docs/events.md). A property without a label fails the schema check, so a new field is
 * never handled as "not personal" by omission.
 */
import { piiLevels, type PiiLevel } from './validation.ts';

export { piiLevels, type PiiLevel };

export const PII_KEYWORD = 'x-relais-pii';

export interface LabelProblem {
  /** The schema's `$id`. */
  schema: string;
  /** JSON pointer to the property inside the schema document. */
  pointer: string;
  message: string;
}

type Node = Record<string, unknown>;

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function isPiiLevel(value: unknown): value is PiiLevel {
  return typeof value === 'string' && (piiLevels as readonly string[]).includes(value);
}

/** Keywords whose values are data, not schemas: never walked. */
const dataKeywords = new Set(['examples', 'const', 'enum', 'default', 'required', 'description', 'title']);

/** Every property of `document` (at any depth: $defs, items, applicators) without a valid label. */
export function labelProblems(document: Node & { $id: string }): LabelProblem[] {
  const problems: LabelProblem[] = [];
  const walk = (node: unknown, pointer: string): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${pointer}/${i}`));
      return;
    }
    const properties = (node as Node)['properties'];
    if (properties && typeof properties === 'object') {
      for (const [name, child] of Object.entries(properties as Node)) {
        const label = (child as Node | null)?.[PII_KEYWORD];
        const at = `${pointer}/properties/${escape(name)}`;
        if (label === undefined)
          problems.push({ schema: document.$id, pointer: at, message: `property "${name}" has no ${PII_KEYWORD} label` });
        else if (!isPiiLevel(label))
          problems.push({ schema: document.$id, pointer: at, message: `${PII_KEYWORD} must be one of ${piiLevels.join(', ')}` });
      }
    }
    for (const [keyword, child] of Object.entries(node as Node)) {
      if (!dataKeywords.has(keyword)) walk(child, `${pointer}/${escape(keyword)}`);
    }
  };
  walk(document, '');
  return problems;
}
