/**
 * The architecture, checked over the whole tree (pure: reads files, starts nothing): no import
 * crosses a forbidden boundary (the same table the linter applies), no folder cycle among the
 * production code's units, the kernel stays small, and the test tiers stay honest.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isUnitTest, repositoryFiles } from '../test-files.ts';
import { forbiddenArrow, placeOf, targetOf, type Place } from './boundaries.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const sources = repositoryFiles(root, '.ts').filter((file) => !file.endsWith('.d.ts') && !file.includes('/generated/'));
const isProduction = (file: string): boolean => !/\.test\.ts$/.test(file) && !/^(test|bench|faults)\//.test(file);
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

// 4,100 since transport security joined the bus (core/bus/security.ts, ADR 0027): every
// process's clients need it; the tools' helpers stay in infra/kafka/client-env.ts. 4,125 since
// free ports are claimed across processes (core/free-port.ts): the kit's testing entry exports
// it, and the kit may build on the kernel only, so it cannot move to infra/.
test('the kernel (core/) holds under 4,125 lines of production code', () => {
  const lines = sources
    .filter((file) => file.startsWith('core/') && isProduction(file))
    .reduce((total, file) => total + readFileSync(`${root}/${file}`, 'utf8').split('\n').length - 1, 0);
  assert.ok(lines < 4125, `core/ holds ${lines} lines of production code`);
});

test('the audit log has one way in (core/audit/append.ts) and one sealer (proof/seal.ts), so its entries can be chained', () => {
  const writers = sources.filter(
    (file) =>
      isProduction(file) &&
      file !== 'core/audit/append.ts' &&
      file !== 'proof/seal.ts' &&
      /\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+audit_log\b/i.test(readFileSync(`${root}/${file}`, 'utf8')),
  );
  assert.deepEqual(writers, [], `write to audit_log outside appendAudit: ${writers.join(', ')}`);
});

/** Where the services of the integration tier come from (docs/testing.md): a unit test imports none of them. */
const serviceModules = [
  'node:child_process',
  'child_process',
  'infra/kafka/kafka.ts',
  'test/support/stack.ts',
  'test/support/vendor-databases.ts',
  'test/support/postgres-server.ts',
];
/** What the kit's testing entry exports from its broker, database and conformance modules: each needs a service. */
const serviceHelpers = new Set(
  ['testing/kafka.ts', 'testing/databases.ts', 'conformance/sink.ts', 'conformance/source.ts', 'conformance/push-source.ts'].flatMap(
    (module) =>
      [
        ...readFileSync(`${root}/packages/connector-kit/src/${module}`, 'utf8').matchAll(/^export (?:async )?(?:function|const) (\w+)/gm),
      ].map((m) => m[1]!),
  ),
);
const IMPORT_STATEMENT = /(?:^|\n)\s*import\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Why a unit test's imports make it an integration test, if they do. */
function servicesUsedBy(file: string): string[] {
  return [...readFileSync(`${root}/${file}`, 'utf8').matchAll(IMPORT_STATEMENT)].flatMap((match) => {
    const [, typeOnly, clause = '', from, dynamic] = match;
    if (typeOnly) return [];
    const spec = (from ?? dynamic)!;
    const target = spec.startsWith('.') ? targetOf(spec, `${root}/${file}`, root) : spec;
    if (serviceModules.includes(target ?? '')) return [`${file} imports ${target}`];
    if (spec !== '@relais/connector-kit/testing') return [];
    const names = (/\{([^}]*)\}/.exec(clause)?.[1] ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name && !name.startsWith('type '))
      .map((name) => name.split(/\s+as\s+/)[0]!);
    return names.filter((name) => serviceHelpers.has(name)).map((name) => `${file} imports ${name} from @relais/connector-kit/testing`);
  });
}

test('a unit test (*.test.ts) needs no service: it imports no broker, database, stack or process helper', () => {
  assert.ok(serviceHelpers.has('testBus') && serviceHelpers.has('createTestDatabase') && serviceHelpers.has('sinkConformance'));
  const unitTests = sources.filter(isUnitTest);
  assert.ok(unitTests.length > 20, `only ${unitTests.length} unit tests found`);
  assert.deepEqual(unitTests.flatMap(servicesUsedBy), [], 'rename these *.integration.test.ts (docs/testing.md)');
});
