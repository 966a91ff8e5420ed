/**
 * docs/connectors.md stays true to the code: every excerpt headed `// <file>` quotes that file
 * line for line (blocks marked "(summary)" or "(to write)" are not quotes; lines with "…" or
 * comments are elisions), and every repository path the guide names exists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';

const guide = readFileSync('docs/connectors.md', 'utf8');

function excerpts(): { file: string; lines: string[] }[] {
  return [...guide.matchAll(/```ts\n\/\/ (\S+)([^\n]*)\n([\s\S]*?)```/g)]
    .filter(([, , note]) => !/\((summary|to write)/.test(note ?? ''))
    .map(([, file, , body]) => ({
      file: file!,
      lines: body!
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.includes('…') && !l.startsWith('//') && !l.startsWith('/*')),
    }));
}

test('every excerpt quotes its file', () => {
  const checked = excerpts();
  assert.ok(checked.length >= 10, `only ${checked.length} excerpts found`);
  for (const { file, lines } of checked) {
    const source = new Set(
      readFileSync(file, 'utf8')
        .split('\n')
        .map((l) => l.trim()),
    );
    const missing = lines.filter((line) => !source.has(line));
    assert.deepEqual(missing, [], `docs/connectors.md quotes lines that are not in ${file}`);
  }
});

test('every repository path the guide names exists', () => {
  const roots = /^(core|connectors|silos|flows|schemas|test|bin|docs|scripts|gateway|infra)\//;
  const paths = [...guide.matchAll(/`([^`\s]+)`/g)]
    .map(([, p]) => p!.replace(/[:,]$/, ''))
    .filter((p) => roots.test(p) && !/[<*{]|parking-permits/.test(p));
  assert.ok(paths.length >= 30, `only ${paths.length} paths found`);
  assert.deepEqual(
    paths.filter((p) => !existsSync(p)),
    [],
  );
});
