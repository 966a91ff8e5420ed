/**
 * The repository's own files and its test tiers (docs/testing.md), found by walking the tree
 * rather than asking git, so a unit test can use it without spawning a process.
 *
 * A unit test is `*.test.ts`: it needs nothing but its own Node process. A test that needs a
 * service (Kafka, a database server, a child process) is `*.integration.test.ts`.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Installed, downloaded or generated trees: never the repository's own code. */
const skippedNames = new Set(['node_modules', '.git', '.relais', 'coverage']);
const skippedPaths = new Set(['infra/kafka/lib', 'infra/kafka/target', 'bench/profiles']);

/** Every file under `root` whose name ends with `suffix`, as a `/`-separated path relative to it. */
export function repositoryFiles(root: string, suffix: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      const file = relative(root, path).split('\\').join('/');
      if (skippedNames.has(entry.name) || skippedPaths.has(file)) return [];
      if (entry.isDirectory()) return walk(path);
      return entry.name.endsWith(suffix) ? [file] : [];
    });
  return walk(root).sort();
}

export const isIntegrationTest = (file: string): boolean => file.endsWith('.integration.test.ts');
export const isUnitTest = (file: string): boolean => file.endsWith('.test.ts') && !isIntegrationTest(file);
