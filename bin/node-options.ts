/**
 * The V8 options every Relais process runs with in deployment (Dockerfile's NODE_OPTIONS, the
 * quick start's `npm start`, the bench's processes): one place, checked against the others by
 * node-options.test.ts.
 *
 * `--max-semi-space-size=4` caps each of V8's young-generation semi-spaces at 4 MiB (V8's own
 * ceiling is 16 MiB on 64-bit). Under the bench's load the young generation otherwise grows to
 * its ceiling in every process and stays there: 45–60 MiB of RSS per process for garbage that
 * dies young anyway. Scavenges get more frequent but each stays as cheap (its cost is what
 * survives, not the space), and the gateway's CPU per change did not move (docs/adr/0039).
 */
export const DEPLOYED_NODE_OPTIONS = ['--max-semi-space-size=4'] as const;
