#!/usr/bin/env node
/**
 * The `relais` program, run by Node's own type stripping (docs/adr/0015): `node bin/relais.ts
 * <verb>` in the image and the tests; `npx relais` goes through the bin/relais.js launcher. The
 * verbs live in bin/cli/, one module per group, imported only when run; `relais --help` lists
 * them, docs/cli.md describes them. Configuration comes from environment variables
 * (core/config.ts and each connector's config.ts; docs/configuration.md).
 *
 * Long-running verbs (start, gateway, router, connector) resolve once ready and keep the
 * process alive until a signal; the others finish and leave with their exit code. A failure
 * exits at once: a half-started part must not keep the process up.
 */
import { runCli } from './cli/program.ts';

const code = await runCli(process.argv.slice(2));
// Exit once stdout is flushed (a piped --json report must arrive whole).
if (code !== 0) process.stdout.write('', () => process.exit(code));
