#!/usr/bin/env node
/**
 * `relais-connector`, the kit's own command (its package.json `bin`), for an integrator outside
 * the Relais repository: `npm install @relais/connector-kit`, then
 *
 *   npx relais-connector new <name> [--root <dir>] [--no-source] [--json]
 *
 * scaffolds connector <name> into <dir> (default: the working directory) — a standalone project
 * (scaffold.ts, standalone.ts), or the repository's layout when <dir> is a Relais repository,
 * as `relais connector new` does there. It prints what it created and changed and the next steps
 * (with --json, the ScaffoldResult). Exit codes: 0 scaffolded; 1 refused, in one line, with
 * nothing written; 2 not understood (the usage follows).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { RelaisError } from '../../../../core/errors.ts';
import { describeScaffold, isRelaisRepository, scaffoldConnector } from './scaffold.ts';
import { kitVersion } from './standalone.ts';

const USAGE = 'usage: relais-connector new <name> [--root <dir>] [--no-source] [--json]';

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

const stdio: Output = { out: (text) => console.log(text), err: (text) => console.error(text) };

/** Runs the command on `args` (what follows `relais-connector`); resolves to its exit code. */
export function relaisConnector(args: string[], output: Output = stdio): number {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      allowNegative: true,
      options: {
        root: { type: 'string', default: '.' },
        source: { type: 'boolean', default: true },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    output.err(`relais-connector: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    output.out(kitVersion());
    return 0;
  }
  if (values.help) {
    output.out(USAGE);
    return 0;
  }
  const [verb, name, ...rest] = positionals;
  if (verb !== 'new' || name === undefined || rest.length > 0) {
    output.err(USAGE);
    return 2;
  }
  const root = resolve(values.root);
  try {
    const result = scaffoldConnector({ name, root, source: values.source, standalone: !isRelaisRepository(root) });
    output.out(values.json ? JSON.stringify(result, null, 2) : describeScaffold(result));
    return 0;
  } catch (error) {
    // A refused name or directory is the user's to fix: one line, not a stack.
    if (error instanceof RelaisError) {
      output.err(`relais-connector: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

if (import.meta.main) process.exitCode = relaisConnector(process.argv.slice(2));
