/** The rights file for a subset of the flows (end-to-end tests, the fault suite). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

/**
 * Writes into `flowsDir` the repository's rights file, less the clients bound to a system these
 * flow files leave out (the gateway refuses a rights file naming undeclared systems).
 */
export function copyRights(flowsDir: string, flowFiles: string[]): void {
  const declared = new Set(
    flowFiles.flatMap((file) => Object.keys((parse(readFileSync(join('flows', file), 'utf8')) as { systems?: object }).systems ?? {})),
  );
  const rights = parse(readFileSync('flows/rights.yaml', 'utf8')) as { clients?: Record<string, { system?: string }> };
  for (const [name, client] of Object.entries(rights.clients ?? {}))
    if (client.system !== undefined && !declared.has(client.system)) delete rights.clients![name];
  writeFileSync(join(flowsDir, 'rights.yaml'), stringify(rights));
}
