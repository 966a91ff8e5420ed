/**
 * `relais schemas check`: the event catalogue's gate (ajv strict compile, examples,
 * personal-data labels, backward compatibility with schemas/published/). Same output and exit
 * code as `npm run schemas:check` (scripts/schemas.ts uses this function).
 */
import type { Command } from 'commander';
import { checkCatalogue } from '../../schemas/governance.ts';
import { CliError, printJson, type Io } from './io.ts';

/** Prints the check's outcome; throws (exit 1) when it fails. */
export function schemasCheck(io: Io, options: { json?: boolean } = {}): void {
  const { problems, unpublished } = checkCatalogue();
  if (options.json) {
    printJson(io, { passed: problems.length === 0, problems, unpublished });
    if (problems.length > 0) throw new CliError(undefined, 1);
    return;
  }
  if (unpublished.length > 0) io.out(`not published yet: ${unpublished.join(', ')} (npm run schemas:publish)`);
  if (problems.length > 0) {
    io.err(`schema check failed:\n  ${problems.join('\n  ')}`);
    throw new CliError(undefined, 1);
  }
  io.out('schema check passed');
}

export function defineSchemas(schemas: Command, io: Io): void {
  schemas
    .command('check')
    .description('labels, examples, backward compatibility with schemas/published/')
    .option('--json', 'print { passed, problems, unpublished }')
    .action((options: { json?: boolean }) => schemasCheck(io, options));
}
