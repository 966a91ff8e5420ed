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
import { settings, type Setting } from '../core/config.ts';
import { asyncApiYaml } from '../gateway/asyncapi.ts';
import { loadFlows } from '../core/flows/flows.ts';
import { simulatorSettings } from '../silos/shared/settings.ts';
import { eventReference } from './event-reference.ts';
import { eventTypeConstantsSource, eventTypesSource } from './event-types.ts';
import * as prettier from 'prettier';

const targets = [
  { source: 'gateway/openapi.yaml', output: 'gateway/generated/api.ts' },
  // The simulator's own types come from its document, like any server's.
  { source: 'silos/social-services/openapi.yaml', output: 'silos/social-services/generated/api.ts' },
  // The silo's published contract types the connector's client (connectors never import silos/).
  { source: 'silos/social-services/openapi.yaml', output: 'connectors/social-services/generated/silo-api.ts' },
  { source: 'silos/school-catering/openapi.yaml', output: 'silos/school-catering/generated/api.ts' },
  { source: 'silos/school-catering/openapi.yaml', output: 'connectors/school-catering/generated/silo-api.ts' },
];

/** docs/configuration.md, from the settings table of core/config.ts and the simulators' table. */
function configurationReference(): string {
  const cell = (text: string): string => text.replaceAll('|', '\\|');
  const fallback = (value: string | undefined): string => (value === undefined ? '(unset)' : `\`${value}\``);
  const rows = (Object.values(settings) as Setting<unknown>[]).map((s) => {
    const secret = s.secret ? ` (secret; or \`${s.env}_FILE\`: a file holding it)` : '';
    return `| \`${s.env}\` | ${fallback(s.default)} | ${cell(s.description)}${secret} |`;
  });
  const simulatorRows = simulatorSettings.map((s) => `| \`${s.env}\` | ${s.simulator} | ${fallback(s.default)} | ${cell(s.description)} |`);
  return [
    '# Configuration',
    '',
    'Generated from `core/config.ts` and `silos/shared/settings.ts` by `npm run gen`; do not edit.',
    'Every process reads these environment variables at start and reports every invalid one at once.',
    'A secret may be given as a file instead: `<VAR>_FILE=/run/secrets/…` (docker-compose.yml does so),',
    'which keeps it out of images and of the process environment; setting both is an error.',
    '',
    '| variable | default | meaning |',
    '|---|---|---|',
    ...rows,
    '',
    '## Simulators',
    '',
    'Read by the simulators of the legacy systems (`silos/<simulator>/main.ts`), besides the settings',
    "above that name them (their ports, the register's credentials, the webhook secret, the vendor database).",
    '',
    '| variable | simulator | default | meaning |',
    '|---|---|---|---|',
    ...simulatorRows,
    '',
  ].join('\n');
}

const outputs: { output: string; text: () => Promise<string> }[] = [
  ...targets.map(({ source, output }) => ({
    output,
    text: async () =>
      `// Generated from ${source} by \`npm run gen\`. Do not edit.\n${astToString(await openapiTS(pathToFileURL(resolve(source))))}`,
  })),
  { output: 'docs/configuration.md', text: async () => configurationReference() },
  { output: 'schemas/generated/events.ts', text: () => eventTypesSource('schemas') },
  { output: 'schemas/generated/event-types.ts', text: async () => eventTypeConstantsSource('schemas') },
  { output: 'docs/event-catalogue.md', text: async () => eventReference() },
  { output: 'docs/asyncapi.yaml', text: async () => asyncApiYaml(loadFlows('flows')) },
];

const check = process.argv.includes('--check');
let stale = 0;
/** Generated documents are formatted like the rest of the tree (`prettier --check .` covers them); generated code is not (ignored). */
async function formatted(output: string, text: string): Promise<string> {
  if (output.includes('/generated/')) return text;
  const options = await prettier.resolveConfig(output);
  return prettier.format(text, { ...options, filepath: output });
}

for (const { output, text: generate } of outputs) {
  const text = await formatted(output, await generate());
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
