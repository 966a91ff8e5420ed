/**
 * `npm run schemas:check`: the catalogue's gate (ajv strict compile, examples, personal-data
 * labels, backward compatibility with schemas/published/). Exit 1 with one line per problem.
 * `npm run schemas:publish`: snapshots the current schemas as published (refused while the
 * check fails). docs/events.md explains when to publish and how to version a breaking change.
 */
import { publishCatalogue } from '../schemas/governance.ts';
import { runCli } from '../bin/cli/program.ts';

const verb = process.argv[2] ?? 'check';
if (verb === 'check') {
  // The same check as `relais schemas check` (bin/cli/schemas.ts).
  process.exitCode = await runCli(['schemas', 'check']);
} else if (verb === 'publish') {
  try {
    const changed = publishCatalogue();
    console.log(changed.length > 0 ? `published:\n  ${changed.join('\n  ')}` : 'nothing to publish: the snapshots are current');
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
} else {
  console.error(`usage: node scripts/schemas.ts check|publish`);
  process.exit(2);
}
