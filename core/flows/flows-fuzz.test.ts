/**
 * Fuzzing as tests: the flow loader fed random text, YAML-like fragments (anchors, aliases,
 * tags, merge keys, flow collections) and damaged copies of the shipped flow files. checkFlows
 * never throws and every problem it reports reads `file:line: reason`. Bounded: a few hundred runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { checkFlows } from './flows.ts';

const flowsDir = join(dirname(fileURLToPath(import.meta.url)), '../../flows');
const shipped = readdirSync(flowsDir)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => readFileSync(join(flowsDir, f), 'utf8'));
const file = 'flows/fuzz.yaml';

const fragment = fc.oneof(
  fc.constantFrom(
    'systems:',
    'routes:',
    '  - id: r',
    '    event: fr.relais.citizen.address.changed.v1',
    '    to:',
    '      - system: x',
    'connector: social-services',
  ),
  fc.constantFrom(
    '&a ',
    '*a',
    '*b',
    '<<: *a',
    '!!binary ',
    '!tag ',
    '? ',
    ': ',
    '- ',
    '{',
    '}',
    '[',
    ']',
    ',',
    '|',
    '>',
    '#',
    '---',
    '...',
    '%YAML 1.2',
  ),
  fc.constantFrom('\n', '\n  ', '\n    ', '\t', '"', "'", '\\', '\u0000', '\ufeff', '\ud800'),
  fc.string({ maxLength: 15 }),
);
const yamlLike = fc.array(fragment, { maxLength: 80 }).map((parts) => parts.join(''));
const damagedFlow = fc
  .tuple(fc.constantFrom(...shipped), fc.nat(), fc.nat({ max: 40 }), fc.string({ maxLength: 20 }))
  .map(([text, at, cut, insert]) => {
    const i = at % (text.length + 1);
    return text.slice(0, i) + insert + text.slice(i + cut);
  });

test('fuzz: the flow loader reports every problem as file:line: reason and never throws', { timeout: 60_000 }, () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 400 }), yamlLike, damagedFlow), (text) => {
      const { problems } = checkFlows([{ file, text }], { connectors: ['social-services', 'email'] });
      for (const problem of problems) assert.match(problem, /^flows\/fuzz\.yaml:\d+: (?:\S|\uFEFF)/u);
    }),
    { numRuns: 400 },
  );
});
