/**
 * The schema check (`npm run schemas:check`, and the function a `relais schemas check` verb
 * calls) and publishing (`npm run schemas:publish`). A schema is published when a copy of it
 * sits under schemas/published/ (same relative path): that copy is what producers and
 * consumers may already rely on, so the current file must stay backward compatible with it
 * (schemas/compatibility.ts). Publishing copies the current files over the snapshots, and
 * refuses while the check fails.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAjv, toIssues } from './validation.ts';
import { backwardIssues, formatIssue, type SchemaDocuments } from './compatibility.ts';
import type { InvalidExample } from './index.ts';
import { labelProblems } from './pii.ts';

type Node = Record<string, unknown> & { $id: string };

export const schemasDir = dirname(fileURLToPath(import.meta.url));
/** The folders that hold contracts; events/ and envelopes/ are checked one file at a time. */
const folders = ['defs', 'events', 'envelopes'] as const;

interface Catalogue {
  /** `events/<type>.json` → its document. */
  files: Map<string, Node>;
  documents: SchemaDocuments;
}

function readCatalogue(root: string): Catalogue {
  const files = new Map<string, Node>();
  const documents: SchemaDocuments = new Map();
  for (const folder of folders) {
    const dir = join(root, folder);
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      const document = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Node;
      files.set(`${folder}/${file}`, document);
      documents.set(document.$id, document);
    }
  }
  return { files, documents };
}

function nameOf(file: string): string {
  return file.replace(/^(events|envelopes)\//, '').replace(/\.json$/, '');
}

/** Valid examples (the schema's `examples`) must pass; each invalid one must fail on its field only. */
function exampleProblems(
  root: string,
  type: string,
  schema: Node,
  validate: (data: unknown) => { field: string; message: string }[],
): string[] {
  const problems: string[] = [];
  const valid = Array.isArray(schema['examples']) ? (schema['examples'] as unknown[]) : [];
  if (valid.length === 0) problems.push(`${type}: no valid example (the schema's "examples")`);
  valid.forEach((data, i) => {
    for (const issue of validate(data)) problems.push(`${type}: valid example ${i} fails: ${issue.field} ${issue.message}`);
  });
  const file = join(root, 'examples', `${type}.invalid.json`);
  const invalid = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as InvalidExample[]) : [];
  if (invalid.length === 0) problems.push(`${type}: no invalid example (schemas/examples/${type}.invalid.json)`);
  for (const example of invalid) {
    const issues = validate(example.data);
    const within = (field: string): boolean =>
      field === example.field || field.startsWith(example.field === '/' ? '/' : `${example.field}/`);
    if (issues.length === 0) problems.push(`${type}: invalid example "${example.why}" is accepted`);
    for (const issue of issues.filter((i) => !within(i.field)))
      problems.push(`${type}: invalid example "${example.why}" fails elsewhere than ${example.field}: ${issue.field} ${issue.message}`);
  }
  return problems;
}

export interface CatalogueCheck {
  /** Everything that fails the check, one line each; empty when the catalogue passes. */
  problems: string[];
  /** Event types and envelopes not published yet (allowed; `schemas:publish` publishes them). */
  unpublished: string[];
}

/** Compiles every schema (ajv strict), runs the examples, checks labels and backward compatibility. */
export function checkCatalogue(root = schemasDir): CatalogueCheck {
  const current = readCatalogue(root);
  const published = readCatalogue(join(root, 'published'));
  const problems: string[] = [];
  const ajv = createAjv();
  for (const [file, document] of current.files) if (file.startsWith('defs/')) ajv.addSchema(document);
  for (const [file, document] of current.files) {
    problems.push(...labelProblems(document).map((p) => `${p.schema}#${p.pointer}: ${p.message}`));
    if (file.startsWith('defs/')) continue;
    try {
      const validate = ajv.compile(document);
      if (file.startsWith('events/'))
        problems.push(...exampleProblems(root, nameOf(file), document, (data) => (validate(data) ? [] : toIssues(validate.errors))));
    } catch (error) {
      problems.push(`${file}: does not compile: ${(error as Error).message}`);
    }
  }
  const unpublished: string[] = [];
  for (const file of current.files.keys()) if (!file.startsWith('defs/') && !published.files.has(file)) unpublished.push(nameOf(file));
  for (const [file, snapshot] of published.files) {
    if (file.startsWith('defs/')) continue;
    const now = current.files.get(file);
    if (!now) {
      problems.push(`${nameOf(file)} /: type-removed: the published schema ${file} is gone; keep it while producers may still send it`);
      continue;
    }
    const issues = backwardIssues(
      nameOf(file),
      { schema: snapshot, documents: published.documents },
      { schema: now, documents: current.documents },
    );
    problems.push(...issues.map(formatIssue));
  }
  return { problems, unpublished };
}

/**
 * Publishes the current catalogue: copies every schema over its snapshot in schemas/published/.
 * Refuses (throws, copying nothing) while `checkCatalogue` reports a problem. Returns the files
 * whose snapshot changed.
 */
export function publishCatalogue(root = schemasDir): string[] {
  const { problems } = checkCatalogue(root);
  if (problems.length > 0) throw new Error(`the schema check fails; nothing published:\n  ${problems.join('\n  ')}`);
  const changed: string[] = [];
  for (const folder of folders) {
    const dir = join(root, folder);
    if (!existsSync(dir)) continue;
    mkdirSync(join(root, 'published', folder), { recursive: true });
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const target = join(root, 'published', folder, file);
      if (existsSync(target) && readFileSync(target, 'utf8') === readFileSync(join(dir, file), 'utf8')) continue;
      copyFileSync(join(dir, file), target);
      changed.push(`${folder}/${file}`);
    }
  }
  return changed;
}
