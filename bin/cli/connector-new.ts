/**
 * `relais connector new <name> [--root dir] [--no-source] [--json]`: scaffolds a connector folder
 * with the standard anatomy, a simulator that speaks a real protocol (REST + OpenAPI) and a flow
 * skeleton (packages/connector-kit/src/scaffold/, docs/connectors.md). It never edits the registry: the
 * next steps it prints say what to add by hand.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { describeScaffold, scaffoldConnector } from '@relais/connector-kit/scaffold';
import { RelaisError } from '../../core/errors.ts';
import { CliError, printJson, type Io } from './io.ts';

interface NewOptions {
  root: string;
  source: boolean;
  json?: boolean;
}

export function defineConnectorNew(connector: Command, io: Io): void {
  connector
    .command('new')
    .description('scaffold connectors/<name>/, silos/<name>/ and flows/<name>.yaml (docs/connectors.md)')
    .argument('<name>', 'the connector and system name, kebab-case (e.g. parking-permits)')
    .option('--root <dir>', 'the Relais repository to write into', '.')
    .option('--no-source', 'a sink only (for a silo with no changes of its own)')
    .option('--json', 'print the files created and the next steps as JSON')
    .action((name: string, options: NewOptions) => {
      let result;
      try {
        result = scaffoldConnector({ name, root: resolve(options.root), source: options.source });
      } catch (error) {
        // A refused name or root is the user's to fix: one line, not a stack.
        if (error instanceof RelaisError) throw new CliError(error.message);
        throw error;
      }
      if (options.json) printJson(io, result);
      else io.out(describeScaffold(result));
    });
}
