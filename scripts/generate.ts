/**
 * `npm run gen` regenerates the committed TypeScript types from the OpenAPI documents and the
 * event catalogue, and the generated references in docs/;
 * `npm run gen:check` (run by CI) fails when a committed file differs from what the document
 * generates, so types cannot drift from the contract.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { settings } from '../core/config.ts';
import { asyncApiYaml } from '../core/asyncapi.ts';
import { loadFlows } from '../core/routing/flows.ts';
import { eventReference } from './event-reference.ts';
import { eventTypesSource } from './event-types.ts';

const targets = [
  { source: 'gateway/openapi.yaml', output: 'gateway/generated/api.ts' },
  // The simulator's own types come from its document, like any server's.
  { source: 'silos/social-services/openapi.yaml', output: 'silos/social-services/generated/api.ts' },
  // The silo's published contract types the connector's client (connectors never import silos/).
  { source: 'silos/social-services/openapi.yaml', output: 'connectors/social-services/generated/silo-api.ts' },
  { source: 'silos/school-catering/openapi.yaml', output: 'silos/school-catering/generated/api.ts' },
  { source: 'silos/school-catering/openapi.yaml', output: 'connectors/school-catering/generated/silo-api.ts' },
];

/** docs/configuration.md, from the settings table of core/config.ts. */
function configurationReference(): string {
  const rows = Object.values(settings).map((s) => {
    const fallback = 'default' in s && s.default !== undefined ? `\`${s.default}\`` : '(unset)';
    return `| \`${s.env}\` | ${fallback} | ${s.description.replaceAll('|', '\\|')}${'secret' in s && s.secret ? ' (secret)' : ''} |`;
  });
  return [
    '# Configuration',
    '',
    'Generated from `core/config.ts` by `npm run gen`; do not edit. Every process reads these',
    'environment variables at start and reports every invalid one at once.',
    '',
    '| variable | default | meaning |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

const outputs: { output: string; text: () => Promise<string> }[] = [
  ...targets.map(({ source, output }) => ({
    output,
    text: async () => `// Generated from ${source} by \`npm run gen\`. Do not edit.\n${astToString(await openapiTS(pathToFileURL(resolve(source))))}`,
  })),
  { output: 'docs/configuration.md', text: async () => configurationReference() },
  { output: 'schemas/generated/events.ts', text: () => eventTypesSource('schemas') },
  { output: 'docs/event-catalogue.md', text: async () => eventReference() },
  { output: 'docs/asyncapi.yaml', text: async () => asyncApiYaml(loadFlows('flows')) },
];

const check = process.argv.includes('--check');
let stale = 0;
for (const { output, text: generate } of outputs) {
  const text = await generate();
  let current = '';
  try {
    current = readFileSync(output, 'utf8');
  } catch {
    current = '';
  }
  if (current === text) continue;
  if (check) {
    console.error(`${output} is stale: run npm run gen and commit the result`);
    stale++;
  } else {
    mkdirSync(dirname(output), { recursive: true });
    writeFileSync(output, text);
    console.log(`wrote ${output}`);
  }
}
if (stale > 0) process.exit(1);
