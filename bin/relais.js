#!/usr/bin/env node
/**
 * The `relais` command: the bin of the bin/ workspace (bin/package.json), so `npm ci` links it
 * as node_modules/.bin/relais and `npx relais` runs it straight from there (docs/adr/0015).
 *
 * Plain JavaScript, so that it runs before any TypeScript is stripped:
 * - it turns Node's compile cache on before loading bin/relais.ts: the stripped sources and
 *   V8's code are kept per file (in NODE_COMPILE_CACHE, default the system's temporary
 *   directory), so a repeated command never starts the type stripper;
 * - under a Node that cannot run TypeScript (the machine's own Node 20 when node_modules/.bin
 *   is not first on the PATH), it hands over to the project's pinned Node (the `node`
 *   devDependency), or says what to do when there is none.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function pinnedNode() {
  try {
    const path = join(dirname(createRequire(import.meta.url).resolve('node/package.json')), 'bin', 'node');
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

if (process.features.typescript) {
  module.enableCompileCache?.();
  await import('./relais.ts');
} else {
  const node = pinnedNode();
  if (!node) {
    console.error(`relais: Node.js ${process.version} cannot run it (it needs Node.js 26): run \`npm ci\`, then \`npx relais\``);
    process.exit(1);
  }
  const child = spawn(node, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  // Ctrl-C reaches both processes; a supervisor's SIGTERM reaches only this one.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
