/**
 * `relais flows validate [dir]` and `relais flows routes [dir] [--json]`: the flow files
 * (default RELAIS_FLOWS_DIR or flows/) checked against the flow schema, the event catalogue
 * (schemas/), the systems they declare and the connector registry, exactly as the router and
 * the gateway check them at start (core/flows/flows.ts). Each problem is one line
 * `file:line: where: reason` on stderr, and the exit code is 1.
 */
import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConnectors } from '../../connectors/loader.ts';
import { checkFlows, readFlowSources, type Flows } from '../../core/flows/flows.ts';
import { formatRoutingTable, routingTable } from './routing-table.ts';
import { CliError, printJson, type Io } from './io.ts';

interface Checked {
  files: string[];
  flows: Flows;
  problems: string[];
}

async function check(io: Io, dir: string | undefined): Promise<Checked> {
  const directory = dir ?? io.env['RELAIS_FLOWS_DIR'] ?? 'flows';
  if (!existsSync(directory) || !statSync(directory).isDirectory()) throw new CliError(`flows: no directory ${directory}`);
  const sources = readFlowSources(directory);
  if (sources.length === 0) throw new CliError(`flows: no *.yaml file in ${directory}`);
  const connectors = await loadConnectors(io.env);
  return { files: sources.map((s) => s.file), ...checkFlows(sources, { connectors: connectors.kinds() }) };
}

function failOn(io: Io, problems: string[]): void {
  if (problems.length === 0) return;
  for (const problem of problems) io.err(problem);
  throw new CliError(undefined, 1);
}

export function defineFlows(flows: Command, io: Io): void {
  flows
    .command('validate')
    .description('check the flow files against the schema, the event catalogue, the declared systems and the connectors')
    .argument('[dir]', 'directory of flow files (default RELAIS_FLOWS_DIR or flows/)')
    .option('--json', 'print { valid, files, systems, routes, problems }')
    .action(async (dir: string | undefined, options: { json?: boolean }) => {
      const checked = await check(io, dir);
      if (options.json) {
        printJson(io, {
          valid: checked.problems.length === 0,
          files: checked.files,
          systems: checked.flows.systems.size,
          routes: checked.flows.routes.length,
          problems: checked.problems,
        });
        if (checked.problems.length > 0) throw new CliError(undefined, 1);
        return;
      }
      failOn(io, checked.problems);
      io.out(
        `flows valid: ${checked.files.length} file(s), ${checked.flows.systems.size} system(s), ${checked.flows.routes.length} route(s)`,
      );
    });

  flows
    .command('routes')
    .description('the routing table: event type → system → legal basis → fields delivered')
    .argument('[dir]', 'directory of flow files (default RELAIS_FLOWS_DIR or flows/)')
    .option('--json', 'print the rows as JSON')
    .action(async (dir: string | undefined, options: { json?: boolean }) => {
      const checked = await check(io, dir);
      failOn(io, checked.problems);
      const rows = routingTable(checked.flows);
      if (options.json) printJson(io, rows);
      else io.out(formatRoutingTable(rows));
    });
}
