/**
 * The architecture, checked over the whole tree (pure: reads files, starts nothing): no import
 * crosses a forbidden boundary (the same table the linter applies), no folder cycle among the
 * production code's units, and the kernel stays small.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { forbiddenArrow, placeOf, targetOf, type Place } from './boundaries.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const sources = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && !file.includes('/generated/'));
const isProduction = (file: string): boolean => !/\.test\.ts$/.test(file) && !/^(test|bench)\//.test(file);
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

interface Arrow {
  file: string;
  from: Place;
  to: Place;
}

function arrowsOf(file: string): Arrow[] {
  const text = readFileSync(`${root}/${file}`, 'utf8');
  return [...text.matchAll(IMPORT)].flatMap((match) => {
    const target = targetOf(match[1] ?? match[2] ?? '', `${root}/${file}`, root);
    return target === undefined ? [] : [{ file, from: placeOf(file), to: placeOf(target) }];
  });
}

/** A folder of one job: each connector, simulator, protocol and package on its own; the kernel, the gateway, the router… whole. */
const unitOf = (place: Place): string =>
  place.unit && ['connectors', 'silos', 'protocols', 'packages'].includes(place.zone) ? `${place.zone}/${place.unit}` : place.zone;
const arrows = sources.flatMap(arrowsOf);

test('no import crosses a forbidden boundary', () => {
  const crossings = arrows.flatMap(({ file, from, to }) => {
    const why = forbiddenArrow(from, to);
    return why ? [`${file} → ${to.path}: ${why}`] : [];
  });
  assert.deepEqual(crossings, []);
});

test('the production code has no folder cycle', () => {
  const graph = new Map<string, Set<string>>();
  for (const { file, from, to } of arrows) {
    if (!isProduction(file)) continue;
    const [a, b] = [unitOf(from), unitOf(to)];
    if (a === b) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)!.add(b);
  }
  // Tarjan's strongly connected components: any component of more than one unit is a cycle.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (stack.includes(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop()!;
        component.push(member);
      } while (member !== node);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  assert.deepEqual(cycles, [], `cycles: ${cycles.map((c) => c.join(' ↔ ')).join('; ')}`);
});

test('the kernel (core/) holds under 4,000 lines of production code', () => {
  const lines = sources
    .filter((file) => file.startsWith('core/') && isProduction(file))
    .reduce((total, file) => total + readFileSync(`${root}/${file}`, 'utf8').split('\n').length - 1, 0);
  assert.ok(lines < 4000, `core/ holds ${lines} lines of production code`);
});
