/**
 * `npm run gen` regenerates the committed TypeScript types from the OpenAPI documents;
 * `npm run gen:check` (run by CI) fails when a committed file differs from what the document
 * generates, so types cannot drift from the contract.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const targets = [
  { source: 'gateway/openapi.yaml', output: 'gateway/generated/api.ts' },
  // The silo's published contract types the connector's client (connectors never import silos/).
  { source: 'silos/social-services/openapi.yaml', output: 'connectors/social-services/generated/silo-api.ts' },
];

const check = process.argv.includes('--check');
let stale = 0;
for (const { source, output } of targets) {
  const ast = await openapiTS(pathToFileURL(resolve(source)));
  const text = `// Generated from ${source} by \`npm run gen\`. Do not edit.\n${astToString(ast)}`;
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
    writeFileSync(output, text);
    console.log(`wrote ${output}`);
  }
}
if (stale > 0) process.exit(1);
