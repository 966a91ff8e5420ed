/**
 * `relais rights validate [file]` and `relais rights show [file] [--json]`: the rights file
 * (default RELAIS_RIGHTS_FILE, else rights.yaml in RELAIS_FLOWS_DIR or flows/) checked exactly as
 * the gateway checks it at start (gateway/rights/rights.ts): its schema, the event catalogue and
 * the systems of the flows. Each problem is one line `file:line: where: reason` on stderr, exit 1.
 * `show` prints, per client and role, what it may originate, how it may name citizens and what
 * it may read — what a security review reads first.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadConnectors } from '../../connectors/loader.ts';
import { checkFlows, readFlowSources } from '../../core/flows/flows.ts';
import { checkRights, type Grant, type Rights } from '../../gateway/rights/rights.ts';
import { CliError, printJson, type Io } from './io.ts';

async function check(io: Io, file: string | undefined): Promise<{ rights: Rights; problems: string[] }> {
  const flowsDir = io.env['RELAIS_FLOWS_DIR'] ?? 'flows';
  const path = file ?? io.env['RELAIS_RIGHTS_FILE'] ?? join(flowsDir, 'rights.yaml');
  if (!existsSync(path)) throw new CliError(`rights: no file ${path}`);
  const connectors = await loadConnectors(io.env);
  const { flows, problems } = checkFlows(readFlowSources(flowsDir), { connectors: connectors.kinds() });
  if (problems.length > 0) throw new CliError(`rights: the flows in ${flowsDir} are invalid (relais flows validate)`);
  return checkRights(path, readFileSync(path, 'utf8'), flows);
}

function failOn(io: Io, problems: string[]): void {
  if (problems.length === 0) return;
  for (const problem of problems) io.err(problem);
  throw new CliError(undefined, 1);
}

function grantLines(label: string, grant: Grant & { system?: string; where: string }): string[] {
  const lines = [`${label}${grant.system ? ` (speaks for ${grant.system})` : ''}  ${grant.where}`];
  for (const rule of grant.originate ?? [])
    lines.push(
      `  originate ${rule.id}: ${rule.events.join(', ')} through ${rule.channels.join(', ')}${rule.requires ? `, requires ${rule.requires}` : ''}`,
    );
  lines.push(`  names citizens by: ${(grant.naming ?? []).join(', ') || 'nothing'}`);
  lines.push(`  reads: ${(grant.read ?? []).join(', ') || 'nothing'}`);
  if (grant.declare?.length) lines.push(`  declares: ${grant.declare.join(', ')}`);
  return lines;
}

export function defineRights(rights: Command, io: Io): void {
  rights
    .command('validate')
    .description('check the rights file against its schema, the event catalogue and the systems of the flows')
    .argument('[file]', 'the rights file (default RELAIS_RIGHTS_FILE, else rights.yaml in RELAIS_FLOWS_DIR or flows/)')
    .action(async (file: string | undefined) => {
      const checked = await check(io, file);
      failOn(io, checked.problems);
      io.out(`rights valid: ${checked.rights.clients.size} client(s), ${checked.rights.roles.size} role(s); everything else is refused`);
    });

  rights
    .command('show')
    .description('per client and agent role: what it may originate, how it may name citizens, what it may read')
    .argument('[file]', 'the rights file (default RELAIS_RIGHTS_FILE, else rights.yaml in RELAIS_FLOWS_DIR or flows/)')
    .option('--json', 'print { clients, roles } as JSON')
    .action(async (file: string | undefined, options: { json?: boolean }) => {
      const checked = await check(io, file);
      failOn(io, checked.problems);
      if (options.json) {
        printJson(io, { clients: Object.fromEntries(checked.rights.clients), roles: Object.fromEntries(checked.rights.roles) });
        return;
      }
      for (const [name, grant] of checked.rights.clients) io.out(grantLines(`client ${name}`, grant).join('\n'));
      for (const [name, grant] of checked.rights.roles) io.out(grantLines(`role ${name}`, grant).join('\n'));
      io.out('anything not listed here is refused (deny by default)');
    });
}
